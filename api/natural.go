package api

import "bytes"

// Natural keys and server-set fields: what identifies an entity across
// accounts, where ids differ, and which fields the server alone writes.
// Comparing, exporting and promoting configuration between accounts match
// entities by NaturalKey (within their parent) and leave ServerSet out. They
// are declared here, beside the kinds, and attached by newCatalog, like the
// edit specs.

type naturalSpec struct {
	key       []string
	serverSet []string
}

// naturalSpecs are the kinds that take part in comparisons. Field paths
// are dotted, "[*]" standing for every element of an array
// ("settings[*].isConfidential").
func naturalSpecs() map[string]naturalSpec {
	dataPoint := []string{"type", "name", "attribute_name", "event_type"}
	return map[string]naturalSpec{
		"apps": {key: []string{"name"},
			serverSet: []string{"id", "data_type", "created_on", "last_modified_on"}},
		"platforms": {key: []string{"os"},
			serverSet: []string{"application_id", "access_keys", "data_type", "created_on", "last_modified_on"}},
		"serviceconfigs": {key: []string{"name", "account"},
			serverSet: []string{"data_type", "settings[*].isConfidential"}},
		"servicefiltering": {key: []string{"name"}},
		"datapoints": {key: dataPoint,
			serverSet: []string{"data_type", "created_on"}},
		"filters": {key: dataPoint,
			serverSet: []string{"data_type", "created_on"}},
		"workspaces": {key: []string{"name"},
			serverSet: []string{"id", "data_type", "created_on"}},
		"feeds": {key: []string{"name"},
			serverSet: []string{"id", "data_type", "created_on"}},
		"calculatedattributes": {key: []string{"name"},
			serverSet: []string{"id", "created_by", "created_on", "last_modified_by", "last_modified_on",
				"audience_count", "activated_on", "activated_by"}},
		"audiences": {key: []string{"name"},
			serverSet: []string{"id", "data_type", "size", "added_last_24_hours", "dropped_last_24_hours", "status",
				"is_calculated", "created_by", "created_on", "last_modified_by", "last_modified_on",
				"workspaces[*].id", "workspaces[*].data_type", "workspaces[*].created_on",
				"connected_outputs[*].data_type"}},
		"users": {key: []string{"email"},
			serverSet: []string{"data_type", "id"}},
		// A plan by its slug, a version by its number within its plan.
		// A plan's versions are promoted as versions of their own.
		"plans": {key: []string{"data_plan_id"},
			serverSet: []string{"created_on", "created_by", "last_modified_on", "last_modified_by", "data_plan_versions"}},
		"versions": {key: []string{"version"},
			serverSet: []string{"data_plan_id", "created_on", "created_by", "last_modified_on", "last_modified_by",
				"quarantine_feed_id"}},
		// Roles are matched by name (role ids may be generated); tasks
		// by id.
		"roles": {key: []string{"name"},
			serverSet: []string{"role_id"}},
		"tasks": {key: []string{"task_id"}},
	}
}

// NaturalKeyOf is the values of the kind's NaturalKey fields in an entity
// body, as text (strings unquoted, null or absent as ""). A service
// configuration without an account label has the documented default one.
// It is nil when the kind declares no natural key or raw is not a JSON
// object.
func (d *Descriptor) NaturalKeyOf(raw []byte) []string {
	if len(d.NaturalKey) == 0 {
		return nil
	}
	f := decodeFields(bytes.TrimSpace(raw))
	if f.kind() != '{' {
		return nil
	}
	out := make([]string, len(d.NaturalKey))
	for i, k := range d.NaturalKey {
		out[i] = fstr(f, k)
		if d.Name == "serviceconfigs" && k == "account" {
			out[i] = accountLabel(out[i])
		}
	}
	return out
}

// IsMasked reports whether a setting value has the shape of the API's mask
// for a confidential value ("*********** Key"): it is never a value to
// keep or to send.
func IsMasked(v string) bool { return maskedValue().MatchString(v) }
