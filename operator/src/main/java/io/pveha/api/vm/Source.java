package io.pveha.api.vm;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

/** Where the VM comes from. Exactly one member is set. */
@ValidationRule(
        value =
                "(has(self.template) ? 1 : 0) + (has(self.iso) ? 1 : 0) + (has(self.backup) ? 1 : 0) + (has(self.none) ? 1 : 0) == 1",
        message =
                "exactly one of source.template, source.iso, source.backup or source.none must be set")
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class Source {
    @JsonPropertyDescription(
            "Clone a template (or another VM): linked by default for templates, full on request.")
    private TemplateSource template;

    @JsonPropertyDescription("An empty VM that boots an installer ISO.")
    private IsoSource iso;

    @JsonPropertyDescription("Restore from a vzdump backup.")
    private BackupSource backup;

    @JsonPropertyDescription("An empty VM with the declared disks.")
    private EmptySource none;

    public TemplateSource getTemplate() {
        return template;
    }

    public void setTemplate(TemplateSource template) {
        this.template = template;
    }

    public IsoSource getIso() {
        return iso;
    }

    public void setIso(IsoSource iso) {
        this.iso = iso;
    }

    public BackupSource getBackup() {
        return backup;
    }

    public void setBackup(BackupSource backup) {
        this.backup = backup;
    }

    public EmptySource getNone() {
        return none;
    }

    public void setNone(EmptySource none) {
        this.none = none;
    }
}
