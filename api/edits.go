package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
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
			Updatable: []string{"name", "description", "draft_definition"},
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

// maskedValue is how the API masks a confidential value: every character
// but the last four replaced by '*' (or all of a short one).
var maskedValue = regexp.MustCompile(`^\*+[^*]{0,4}$`)

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
		if conf && maskedValue.MatchString(val) {
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
