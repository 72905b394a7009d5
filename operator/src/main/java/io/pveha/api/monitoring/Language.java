package io.pveha.api.monitoring;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The language of alert messages (default zh-CN: the operations teams read Chinese). */
public enum Language {
    @JsonProperty("zh-CN")
    ZH_CN,
    @JsonProperty("en")
    EN
}
