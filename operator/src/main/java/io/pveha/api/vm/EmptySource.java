package io.pveha.api.vm;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Marker for an empty VM. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class EmptySource {}
