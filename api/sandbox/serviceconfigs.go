package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// The service configurations of an app platform: forwarding to an
// integration of the catalogue, at most maxConfigsPerService per service.

func (s *Server) listServiceConfigs(rq *request, _ *tx) response {
	_, p, fail := s.platformOf(rq)
	if fail != nil {
		return *fail
	}
	out := make([]serviceConfigView, 0, len(p.Services))
	for _, c := range p.Services {
		out = append(out, c.view(s.st.service(c.Name)))
	}
	return okEnv(http.StatusOK, "service", out)
}

// maxConfigsPerService is how many configurations (by account label) one
// service may have on one platform: "two active forwarders per app platform
// and service", typically one visible and one hidden (docs/inconsistencies.md: service configuration identity).
const maxConfigsPerService = 2

// putServiceConfig is PUT .../services: create or update the
// configuration keyed by (name, account). Settings merge into the existing
// ones; a confidential value sent back masked, as GET shows it, keeps the
// stored value.
func (s *Server) putServiceConfig(rq *request, t *tx) response {
	a, p, fail := s.platformOf(rq)
	if fail != nil {
		return *fail
	}
	f, err := bodyObject(rq.body)
	if err != nil {
		return rq.bodyFail(err)
	}
	in, msg, err := readServiceConfig(f)
	if err != nil {
		return rq.bodyFail(err)
	}
	if msg != "" {
		return rq.invalid(msg)
	}
	c, msg := mergeServiceConfig(s.st, p, in)
	if msg != "" {
		return rq.invalid(msg)
	}
	p.LastModifiedOn = stamp(rq.now)
	t.put(a)
	return okEnv(http.StatusAccepted, "service", []serviceConfigView{c.view(s.st.service(c.Name))})
}

// serviceConfigInput is a decoded configuration body.
type serviceConfigInput struct {
	account   string
	name      string
	isActive  *bool
	isVisible *bool
	settings  []setting
}

// readServiceConfig decodes a body; msg is a business-rule refusal.
func readServiceConfig(f fields) (serviceConfigInput, string, error) {
	var in serviceConfigInput
	acct, err := f.str("account")
	if err != nil {
		return in, "", err
	}
	in.account = "Default Account"
	if acct != nil && strings.TrimSpace(*acct) != "" {
		in.account = strings.TrimSpace(*acct)
	}
	name, err := f.str("name")
	if err != nil {
		return in, "", err
	}
	if name == nil || strings.TrimSpace(*name) == "" {
		return in, "Specified service not found.", nil
	}
	in.name = strings.TrimSpace(*name)
	if in.isActive, err = f.boolean("isActive"); err != nil {
		return in, "", err
	}
	if in.isVisible, err = f.boolean("isVisible"); err != nil {
		return in, "", err
	}
	if in.settings, _, err = f.settingsList("settings"); err != nil {
		return in, "", err
	}
	return in, "", nil
}

// mergeServiceConfig checks a configuration against the catalogue and
// applies it to the platform; it returns the refusal message, if any,
// before changing anything.
func mergeServiceConfig(st *state, p *platform, in serviceConfigInput) (*serviceConfig, string) {
	svc := st.service(in.name)
	if svc == nil {
		return nil, "Specified service not found."
	}
	if len(svc.Platforms) > 0 {
		if _, supported := canonical(svc.Platforms, p.OS); !supported {
			return nil, "Service does not support app platform."
		}
	}
	var existing *serviceConfig
	sameService := 0
	for _, c := range p.Services {
		if strings.EqualFold(c.Name, svc.Name) {
			sameService++
			if strings.EqualFold(c.Account, in.account) {
				existing = c
			}
		}
	}
	if existing == nil && sameService >= maxConfigsPerService {
		return nil, fmt.Sprintf("Service %s already has %d configurations on this platform; update one of them (by its account) instead.", svc.Name, maxConfigsPerService)
	}
	// Merge the settings, by catalogue name.
	merged := map[string]*string{}
	var order []string
	if existing != nil {
		for _, st := range existing.Settings {
			merged[st.Name] = st.Value
			order = append(order, st.Name)
		}
	}
	seen := map[string]bool{}
	for _, st := range in.settings {
		spec := svc.setting(st.Name)
		if spec == nil {
			return nil, "Provided setting not found."
		}
		if seen[spec.Name] {
			return nil, "Invalid settings entered while updating the service."
		}
		seen[spec.Name] = true
		v := st.Value
		if spec.Confidential && v != nil && existing != nil {
			if old := merged[spec.Name]; old != nil && *v == maskSecret(*old) && strings.Contains(*v, "*") {
				v = old // the masked value a GET showed: keep the real one
			}
		}
		if v != nil && *v == "" {
			v = nil
		}
		if spec.IsRequired && v == nil {
			return nil, "Setting value is required."
		}
		if v != nil && !validSettingValue(spec.Type, *v) {
			return nil, "Invalid settings entered while updating the service."
		}
		if _, had := merged[spec.Name]; !had {
			order = append(order, spec.Name)
		}
		merged[spec.Name] = v
	}
	for _, spec := range svc.Settings {
		if spec.IsRequired && merged[spec.Name] == nil {
			return nil, "Required setting not provided."
		}
	}
	c := existing
	if c == nil {
		c = &serviceConfig{Account: in.account, Name: svc.Name, IsVisible: true}
		p.Services = append(p.Services, c)
	}
	if in.isActive != nil {
		c.IsActive = *in.isActive
	}
	if in.isVisible != nil {
		c.IsVisible = *in.isVisible
	}
	c.Settings = make([]setting, 0, len(order))
	for _, n := range order {
		c.Settings = append(c.Settings, setting{Name: n, Value: merged[n]})
	}
	return c, ""
}

// validSettingValue checks a value against its catalogue type: Bool takes
// true/false (any case), Custom a JSON array of {maptype, map, value}
// mappings, String anything.
func validSettingValue(typ, v string) bool {
	switch typ {
	case "Bool":
		return strings.EqualFold(v, "true") || strings.EqualFold(v, "false")
	case "Custom":
		return validCustomMapping(v)
	}
	return true
}

// validCustomMapping checks a Custom setting value: a JSON array of
// {"maptype","map","value"} objects.
func validCustomMapping(v string) bool {
	var items []map[string]json.RawMessage
	if err := json.Unmarshal([]byte(v), &items); err != nil {
		return false
	}
	for _, it := range items {
		var mt, m, val string
		if json.Unmarshal(it["maptype"], &mt) != nil || json.Unmarshal(it["map"], &m) != nil || json.Unmarshal(it["value"], &val) != nil {
			return false
		}
		if !slices.Contains(settingMapTypes, mt) || m == "" || val == "" {
			return false
		}
	}
	return true
}
