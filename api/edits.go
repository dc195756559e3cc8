package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sync"
)

// EditSpec is what the editor needs to know about a writable kind: which
// fields an update may change (everything else in the entity is shown but
// protected), the documented create template, and hints with the valid
// values of enum fields. It lives beside the kinds (edits.go) rather than in
// kinds.go's table to keep that table readable; Catalog attaches it.
type EditSpec struct {
	// Updatable are the top-level fields of the documented update body.
	// The editor protects every other field, and Body sends only these.
	Updatable []string
	// Drop are nested fields the server shows but does not take back
	// (a service configuration's settings[*].isConfidential).
	Drop []string
	// DropMasked leaves out of the body every confidential setting whose
	// value is still the mask the API showed ("*********** Key"): the
	// console never sends a mask where a secret belongs. The sandbox
	// merges settings, so the stored secret stays; what the real API does
	// with a setting left out is undocumented, and sending
	// the mask back would be worse.
	DropMasked bool
	// Template is the documented create body, pretty-printed.
	Template string
	// Hints maps a field pattern ("os", "platforms[*].os") to its valid
	// values or a note.
	Hints map[string]string
	// KeepIfNull are top-level fields an update leaves out when they are
	// null both in the edit and on the server: the API leaves an absent
	// one unchanged but refuses an explicit null (a calculated attribute
	// with no draft keeps none; inconsistencies.md, "PUT merges"). A field
	// the edit turns to null is sent, so the API says why it is refused.
	KeepIfNull []string
	// Check, when set, checks a body against the shape the reference
	// documents before it is sent (CheckBody).
	Check func(body []byte) error
	// Seed, when set, makes the create template from the entities listed
	// beside the new one (a new data plan version copies the latest);
	// "" falls back to Template.
	Seed func(listed []json.RawMessage) string
}

// CheckBody checks a create or update body against the kind's documented
// shape, before anything is sent; nil when the kind has no check.
func (d *Descriptor) CheckBody(body []byte) error {
	if d.Edit.Check == nil {
		return nil
	}
	if err := d.Edit.Check(bytes.TrimSpace(body)); err != nil {
		return fmt.Errorf("%s: %w", d.Singular, err)
	}
	return nil
}

// CreateTemplate is the text a create opens with: the Seed made from the
// entities listed beside the new one, else the documented template.
func (d *Descriptor) CreateTemplate(listed []json.RawMessage) string {
	if d.Edit.Seed != nil {
		if s := d.Edit.Seed(listed); s != "" {
			return s
		}
	}
	return d.PrettyTemplate()
}

// Enumerations of the reference: the valid values of the platform, feed,
// data point and calculated attribute fields.
const (
	hintOS          = "iOS | tvOS | Android | MobileWeb | Roku | Alexa | SmartTV | FireTV | Xbox"
	hintFeedOS      = hintOS + " | Unknown"
	hintCrash       = "AppDefined | ForceCatch | ForceIgnore"
	hintNetwork     = "AppDefined | ForceTrue | ForceFalse"
	hintSocial      = "AppDefined | Facebook | Twitter | FacebookAndTwitter"
	hintDPType      = "Event | EventAttribute | UserAttribute | ScreenView | ScreenViewAttribute | Identity | Commerce | CommerceAttribute"
	hintEventType   = "unknown | navigation | location | search | transaction | user_content | user_preference | social | other | media (commerce: product_add_to_cart | product_purchase | …)"
	hintFilterType  = "Event | EventAttribute | UserAttribute | EventType | ScreenView | ScreenViewAttribute | UserIdentity | Commerce | CommerceAttribute | All_User_Attributes | …"
	hintCalcType    = "count | first_occurrence_timestamp | last_occurrence_timestamp | first_occurrence | last_occurrence | sum | min | max | average | unique_list | unique_values_count | most_frequent"
	hintTimePeriod  = "since (with date) | within (with within, within_unit)"
	hintWithinUnit  = "days | weeks"
	hintCAPointType = "event | event_attribute | user_attribute"
	hintPlanEnv     = "none | development | production (production & development)"
	hintMatchType   = "custom_event | screen_view | user_attributes | user_identities | product_action | promotion_action | product_impression | unknown"
)

func editSpecs() map[string]EditSpec {
	platformSettings := map[string]string{
		"crash_handling": hintCrash, "network_performance": hintNetwork, "social_mode": hintSocial,
		"push_attribution_timer": "minutes", "profile_merging": "true | false",
	}
	withOS := func(m map[string]string, os string) map[string]string {
		out := map[string]string{"os": os}
		for k, v := range m {
			out[k] = v
		}
		return out
	}
	return map[string]EditSpec{
		"accounts": {
			Updatable: []string{"name"},
			Template:  `{ "name": "New Account" }`,
		},
		"apps": {
			Updatable: []string{"name"},
			Template:  `{ "name": "New App", "platforms": [ { "os": "iOS" }, { "os": "Android" } ] }`,
			Hints:     map[string]string{"platforms[*].os": hintOS, "platforms": "at least one platform"},
		},
		"platforms": {
			Updatable: []string{"profile_merging", "push_attribution_timer", "crash_handling", "network_performance", "social_mode"},
			Template: `{ "os": "Android", "profile_merging": false, "push_attribution_timer": 30,
  "crash_handling": "AppDefined", "network_performance": "AppDefined", "social_mode": "AppDefined" }`,
			Hints: withOS(platformSettings, hintOS),
		},
		"serviceconfigs": {
			Updatable:  []string{"account", "name", "isActive", "isVisible", "settings"},
			Drop:       []string{"isConfidential"},
			DropMasked: true,
			Template: `{ "account": "Default Account", "name": "GoogleAnalyticsEventForwarder", "isActive": true, "isVisible": true,
  "settings": [ { "name": "apiKey", "value": "" } ] }`,
			Hints: map[string]string{"name": "a service from :services", "settings[*].name": "a setting of the service (see :services)",
				"account": "a label; \"Default Account\" when omitted"},
		},
		"feeds": {
			Updatable: []string{"module_name", "name", "os", "settings", "is_debug"},
			Template:  `{ "module_name": "radar", "name": "New Feed", "os": "Unknown", "settings": [], "is_debug": false }`,
			Hints:     map[string]string{"os": hintFeedOS},
		},
		"subscriptions": {
			Template: `{ "service_configuration_id": 0, "is_active": false, "settings": [ { "name": "useCustomerId", "value": "True" } ] }`,
			Hints:    map[string]string{"service_configuration_id": "an output configuration id (:outputs)"},
		},
		"datapoints": {
			Template: `[ { "name": "my event", "type": "Event", "event_type": "navigation" } ]`,
			Hints:    map[string]string{"[*].type": hintDPType, "[*].event_type": hintEventType, "type": hintDPType, "event_type": hintEventType},
		},
		"filters": {
			Updatable: []string{"name", "attribute_name", "type", "event_type", "enabled"},
			Hints:     map[string]string{"type": hintFilterType, "event_type": hintEventType, "enabled": "false blocks the data point for this service"},
		},
		"servicefiltering": {
			Updatable: []string{"sendNewDataPointsByDefault"},
			Hints:     map[string]string{"sendNewDataPointsByDefault": "false stops sending newly detected data points"},
		},
		"calculatedattributes": {
			Updatable:  []string{"name", "description", "draft_definition"},
			KeepIfNull: []string{"draft_definition"},
			Template: `{ "name": "New Calculated Attribute", "description": "",
  "draft_definition": { "recipe_type": "event",
    "datapoint": { "type": "event", "event_name": "Add To Cart", "attribute_name": null,
      "event_type": "commerce_event", "custom_event_type": "add_to_cart" },
    "conditions": [], "calculation_type": "count",
    "time_period": { "type": "within", "date": null, "within": 30, "within_unit": "days" },
    "seeding": null } }`,
			Hints: map[string]string{
				"draft_definition.calculation_type":        hintCalcType,
				"draft_definition.time_period.type":        hintTimePeriod,
				"draft_definition.time_period.within_unit": hintWithinUnit,
				"draft_definition.datapoint.type":          hintCAPointType,
				"name":                                     "cannot change once activated",
			},
		},
		"plans": {
			Updatable: []string{"data_plan_name", "data_plan_description"},
			Template: `{ "data_plan_id": "new_data_plan", "data_plan_name": "New Data Plan", "data_plan_description": "",
  "data_plan_versions": [ { "version": 1, "version_description": "First version", "activated_environment": "none",
    "version_document": { "data_points": [] } } ] }`,
			Hints: map[string]string{
				"data_plan_id": "a slug (a-z, 0-9, _ and -); fixed once created",
				"data_plan_versions[*].activated_environment": hintPlanEnv,
				"data_plan_versions":                          "at least one version",
			},
			Check: checkPlan,
		},
		"versions": {
			Updatable: []string{"version_description", "activated_environment", "version_document"},
			Template: `{ "version": 1, "version_description": "", "activated_environment": "none",
  "version_document": { "data_points": [] } }`,
			Hints: map[string]string{
				"activated_environment":                                hintPlanEnv,
				"version_document.data_points[*].match.type":           hintMatchType,
				"version_document.data_points[*].validator.type":       "json_schema",
				"version_document.data_points[*].match.criteria":       "depends on match.type: event_name and custom_event_type for custom_event, screen_name for screen_view, …",
				"version_document.data_points[*].validator.definition": "a JSON Schema the matched data must satisfy",
				"version": "a number not yet used in the plan; fixed once created",
			},
			Check: checkVersion,
			Seed:  NextVersion,
		},
		"roles": {
			Updatable: []string{"name", "description", "tasks"},
			Template: `{ "role_id": "new_role", "name": "New Role", "description": "",
  "tasks": [ { "task_id": "audiences:view" } ] }`,
			Hints: map[string]string{
				"tasks[*].task_id": "a task id from :tasks (AREA:view, AREA:* …); user:core is added to every role",
				"role_id":          "up to 64 of A-Z a-z 0-9 _ -; fixed once created",
				"name":             "1 to 64 characters",
				"description":      "up to 256 characters",
			},
			Check: checkRoleBody,
		},
		"rolemanifest": {
			Updatable: []string{"roles"},
			Hints: map[string]string{
				"roles":                     "every custom role: one left out is deleted (refused while a user holds it)",
				"roles[*].tasks[*].task_id": "a task id from :tasks",
				"version":                   "sent back as read: a newer manifest on the server is a conflict",
			},
			Check: checkManifest,
		},
	}
}

// PrettyTemplate is the create template, indented for the editor.
func (d *Descriptor) PrettyTemplate() string {
	if d.Edit.Template == "" {
		return "{\n}\n"
	}
	var b bytes.Buffer
	if err := json.Indent(&b, []byte(d.Edit.Template), "", "  "); err != nil {
		return d.Edit.Template
	}
	return b.String() + "\n"
}

// Protected lists the fields of an entity the editor must not let change:
// every top-level field that is not Updatable. A kind without Updatable
// fields protects nothing (it has no update).
func (d *Descriptor) Protected(raw []byte) []string {
	if len(d.Edit.Updatable) == 0 {
		return nil
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil {
		return nil
	}
	var out []string
	for k := range obj {
		if !slices.Contains(d.Edit.Updatable, k) {
			out = append(out, k)
		}
	}
	return out
}

// UpdateBody turns an edited entity into the kind's documented update body:
// only the Updatable fields, without the Drop fields the server adds.
func (d *Descriptor) UpdateBody(edited []byte) ([]byte, error) {
	if len(d.Edit.Updatable) == 0 {
		return edited, nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(edited, &obj); err != nil {
		return nil, fmt.Errorf("%s: the update body must be a JSON object: %w", d.Name, err)
	}
	out := make(map[string]json.RawMessage, len(d.Edit.Updatable))
	for _, k := range d.Edit.Updatable {
		v, ok := obj[k]
		if !ok {
			continue
		}
		if d.Edit.DropMasked && k == "settings" {
			v = dropMasked(v)
		}
		if len(d.Edit.Drop) > 0 {
			v = dropNested(v, d.Edit.Drop)
		}
		out[k] = v
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", d.Name, err)
	}
	return b, nil
}

// dropUnchangedNulls leaves out of an update body the KeepIfNull fields
// that are null in it and in cur, the server's version.
func (d *Descriptor) dropUnchangedNulls(body, cur []byte) []byte {
	if len(d.Edit.KeepIfNull) == 0 {
		return body
	}
	var obj, was map[string]json.RawMessage
	if json.Unmarshal(body, &obj) != nil || json.Unmarshal(cur, &was) != nil {
		return body
	}
	isNull := func(v json.RawMessage, ok bool) bool { return ok && string(bytes.TrimSpace(v)) == "null" }
	dropped := false
	for _, k := range d.Edit.KeepIfNull {
		v, ok := obj[k]
		w, wok := was[k]
		if isNull(v, ok) && (!wok || isNull(w, wok)) {
			delete(obj, k)
			dropped = true
		}
	}
	if !dropped {
		return body
	}
	b, err := json.Marshal(obj)
	if err != nil {
		return body
	}
	return b
}

// maskedValue is how the API masks a confidential value: every character
// but the last four replaced by '*' (or all of a short one).
var maskedValue = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\*+[^*]{0,4}$`) })

// dropMasked removes the confidential settings that still hold their mask.
func dropMasked(v json.RawMessage) json.RawMessage {
	var settings []map[string]json.RawMessage
	if json.Unmarshal(v, &settings) != nil {
		return v
	}
	kept := settings[:0]
	for _, st := range settings {
		var conf bool
		var val string
		_ = json.Unmarshal(st["isConfidential"], &conf)
		_ = json.Unmarshal(st["value"], &val)
		if conf && maskedValue().MatchString(val) {
			continue
		}
		kept = append(kept, st)
	}
	b, err := json.Marshal(kept)
	if err != nil {
		return v
	}
	return b
}

// dropNested removes the named keys from every object inside v.
func dropNested(v json.RawMessage, keys []string) json.RawMessage {
	var x any
	dec := json.NewDecoder(bytes.NewReader(v))
	dec.UseNumber()
	if dec.Decode(&x) != nil {
		return v
	}
	var walk func(any)
	walk = func(n any) {
		switch t := n.(type) {
		case map[string]any:
			for _, k := range keys {
				delete(t, k)
			}
			for _, c := range t {
				walk(c)
			}
		case []any:
			for _, c := range t {
				walk(c)
			}
		}
	}
	walk(x)
	b, err := json.Marshal(x)
	if err != nil {
		return v
	}
	return b
}

// WithFields returns current with the Updatable fields taken from from
// (fields from lacks are left as they are), keeping current's key order.
// Reverting an update writes the previous version's fields over the
// entity as it is now: protected fields (timestamps, ids) stay current.
func (d *Descriptor) WithFields(current, from []byte) ([]byte, error) {
	var src map[string]json.RawMessage
	if err := json.Unmarshal(from, &src); err != nil {
		return nil, fmt.Errorf("%s: previous version: %w", d.Name, err)
	}
	dec := json.NewDecoder(bytes.NewReader(current))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("%s: current version is not a JSON object", d.Name)
	}
	var out bytes.Buffer
	out.WriteByte('{')
	put := func(k string, v json.RawMessage) {
		if out.Len() > 1 {
			out.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		out.Write(kb)
		out.WriteByte(':')
		out.Write(v)
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("%s: current version: %w", d.Name, err)
		}
		k, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("%s: current version: %w", d.Name, err)
		}
		if nv, ok := src[k]; ok && slices.Contains(d.Edit.Updatable, k) {
			v = nv
		}
		seen[k] = true
		put(k, v)
	}
	for _, k := range d.Edit.Updatable {
		if v, ok := src[k]; ok && !seen[k] {
			put(k, v)
		}
	}
	out.WriteByte('}')
	return out.Bytes(), nil
}
