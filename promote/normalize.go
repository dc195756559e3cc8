package promote

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/mpconsole/mpconsole/api"
)

// childFields are fields that repeat entities of their own kind: an app's
// platforms are compared as platforms, not as a field of the app.
var childFields = map[string][]string{"apps": {"platforms"}}

// normalize turns an entity as the server sent it into its snapshot body:
//   - the kind's ServerSet fields and child fields are removed;
//   - settings (service configurations, feeds) are sorted by name, those
//     without a value dropped (unset), and a confidential value — marked
//     isConfidential, or shaped like the API's mask — becomes a reference
//     {"secret": NAME} (SecretName);
//   - a service configuration without an account label gets the default;
//   - an audience's workspaces and outputs are sorted by name;
//   - keys are sorted and the JSON compact.
func normalize(d *api.Descriptor, raw []byte, key []string) (json.RawMessage, error) {
	v, err := decode(raw)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("the entity is not a JSON object")
	}
	if sts, ok := m["settings"].([]any); ok {
		m["settings"] = normalizeSettings(d.Name, key, sts)
	}
	for _, p := range d.ServerSet {
		dropPath(m, strings.Split(p, "."))
	}
	for _, f := range childFields[d.Name] {
		delete(m, f)
	}
	switch d.Name {
	case "serviceconfigs":
		if s, _ := m["account"].(string); strings.TrimSpace(s) == "" {
			m["account"] = defaultAccount
		}
	case "audiences":
		sortByField(m["workspaces"], "name")
		sortByField(m["connected_outputs"], "provider_name")
	}
	return mustMarshal(m), nil
}

// defaultAccount is a service configuration's account label when none is
// given (the documented default).
const defaultAccount = "Default Account"

func normalizeSettings(kind string, key []string, sts []any) []any {
	out := make([]any, 0, len(sts))
	for _, s := range sts {
		st, ok := s.(map[string]any)
		if !ok {
			out = append(out, s)
			continue
		}
		val, isString := st["value"].(string)
		if st["value"] == nil || (isString && val == "") {
			continue // unset
		}
		conf, _ := st["isConfidential"].(bool)
		if conf || (isString && api.IsMasked(val)) {
			name, _ := st["name"].(string)
			st["value"] = map[string]any{"secret": SecretName(kind, key, name)}
		}
		out = append(out, st)
	}
	slices.SortStableFunc(out, func(a, b any) int {
		return strings.Compare(nameOf(a, "name"), nameOf(b, "name"))
	})
	return out
}

func nameOf(v any, field string) string {
	m, _ := v.(map[string]any)
	s, _ := m[field].(string)
	return s
}

func sortByField(v any, field string) {
	if a, ok := v.([]any); ok {
		slices.SortStableFunc(a, func(x, y any) int { return strings.Compare(nameOf(x, field), nameOf(y, field)) })
	}
}

// dropPath removes a dotted path ("settings[*].isConfidential") from v.
func dropPath(v any, path []string) {
	m, ok := v.(map[string]any)
	if !ok || len(path) == 0 {
		return
	}
	head, each := strings.CutSuffix(path[0], "[*]")
	if len(path) == 1 && !each {
		delete(m, head)
		return
	}
	if !each {
		dropPath(m[head], path[1:])
		return
	}
	a, _ := m[head].([]any)
	for _, el := range a {
		if len(path) == 1 {
			continue // "[*]" with nothing after it names the elements, not a field
		}
		dropPath(el, path[1:])
	}
}

// SecretName names the secret a confidential setting references: for a
// service configuration MODULE_SETTING_PLATFORM_APP, with _ACCOUNT after
// it for a label other than the default (two configurations of a service
// on one platform), e.g. MIXPANEL_TOKEN_IOS_ACME_SHOP; for another kind
// KIND_KEY…_SETTING. Every character but A-Z and 0-9 becomes "_" (runs of
// them one). The name comes from the natural key only, so it is the same in
// every account.
func SecretName(kind string, key []string, setting string) string {
	var parts []string
	if kind == "serviceconfigs" && len(key) == 4 {
		app, os, module, account := key[0], key[1], key[2], key[3]
		parts = []string{module, setting, os, app}
		if account != defaultAccount {
			parts = append(parts, account)
		}
	} else {
		sing := kind
		if d, ok := api.Lookup(kind); ok {
			sing = d.Singular
		}
		parts = append(append([]string{sing}, key...), setting)
	}
	var b strings.Builder
	under := true // no leading "_"
	for _, r := range strings.ToUpper(strings.Join(parts, "_")) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			under = false
		} else if !under {
			b.WriteByte('_')
			under = true
		}
	}
	return strings.TrimSuffix(b.String(), "_")
}

// secretRef reads a {"secret": NAME} reference.
func secretRef(v any) (string, bool) {
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return "", false
	}
	s, ok := m["secret"].(string)
	return s, ok && s != ""
}
