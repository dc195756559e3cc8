package sandbox

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// Apps (§5), platforms (§6) and platform service configurations (§7).

// paramID reads a numeric path parameter.
func (rq *request) paramID(name string) (int64, bool) {
	id, err := strconv.ParseInt(rq.params[name], 10, 64)
	return id, err == nil && id > 0
}

// appOf finds the app of the path in the request's account, or answers 404.
func (s *Server) appOf(rq *request) (*app, *response) {
	id, ok := rq.paramID("appId")
	a := s.st.apps.get(id)
	if !ok || a == nil || a.AccountID != rq.account {
		f := rq.notFound("App %s does not exist in account %d or you do not have access.", quoteParam(rq.params["appId"]), rq.account)
		return nil, &f
	}
	return a, nil
}

// quoteParam shows a path parameter in a message, shortened.
func quoteParam(p string) string {
	if len(p) > 64 {
		p = p[:64] + "…"
	}
	return strconv.Quote(p)
}

func (s *Server) listApps(rq *request, _ *tx) response {
	ids := s.st.apps.idsOf(rq.account)
	out := make([]appView, 0, len(ids))
	for _, id := range ids {
		out = append(out, s.st.apps.get(id).view(nil))
	}
	return okEnv(http.StatusOK, "application", out)
}

func (s *Server) getApp(rq *request, _ *tx) response {
	a, fail := s.appOf(rq)
	if fail != nil {
		return *fail
	}
	return okEnv(http.StatusOK, "application", []appView{a.view(nil)})
}

// appNameTaken reports whether another app of the account has the name
// (case-insensitively).
func (s *Server) appNameTaken(acct int64, name string, except int64) bool {
	for _, id := range s.st.apps.idsOf(acct) {
		if id != except && strings.EqualFold(s.st.apps.get(id).Name, name) {
			return true
		}
	}
	return false
}

func (s *Server) updateApp(rq *request, t *tx) response {
	a, fail := s.appOf(rq)
	if fail != nil {
		return *fail
	}
	f, err := bodyObject(rq.body)
	if err != nil {
		return rq.bodyFail(err)
	}
	name, err := f.str("name")
	if err != nil {
		return rq.bodyFail(err)
	}
	if name == nil || strings.TrimSpace(*name) == "" {
		return rq.invalid("App name must be specified.")
	}
	n := strings.TrimSpace(*name)
	if s.appNameTaken(a.AccountID, n, a.ID) {
		return rq.invalid("App name already exists.")
	}
	a.Name = n
	a.LastModifiedOn = stamp(rq.now)
	t.put(a)
	return okEnv(http.StatusAccepted, "application", []appView{a.view(nil)})
}

func (s *Server) createApp(rq *request, t *tx) response {
	f, err := bodyObject(rq.body)
	if err != nil {
		return rq.bodyFail(err)
	}
	return s.createAppFrom(rq, t, f)
}

// createAppFrom creates an app from a decoded body (POST /apps, and the
// reference's curl that posts the same body to /apps/{id}, §16 item 3).
func (s *Server) createAppFrom(rq *request, t *tx, f fields) response {
	name, err := f.str("name")
	if err != nil {
		return rq.bodyFail(err)
	}
	if name == nil || strings.TrimSpace(*name) == "" {
		return rq.invalid("App name not specified.")
	}
	n := strings.TrimSpace(*name)
	if s.appNameTaken(rq.account, n, 0) {
		return rq.invalid("App name already exists.")
	}
	if len(s.st.apps.idsOf(rq.account)) >= s.appLimit() {
		return rq.invalid("Exceeded app limit.")
	}
	items, err := f.list("platforms")
	if err != nil {
		return rq.bodyFail(err)
	}
	if len(items) == 0 {
		return rq.invalid("App must have at least one platform selected.")
	}
	now := stamp(rq.now)
	a := &app{AccountID: rq.account, Name: n, CreatedOn: now, LastModifiedOn: now}
	secrets := map[string]string{}
	for _, it := range items {
		osName, err := it.str("os")
		if err != nil {
			return rq.bodyFail(err)
		}
		osv, known := "", false
		if osName != nil {
			osv, known = canonical(osValues, *osName)
		}
		if !known {
			return rq.invalid("Invalid as specified.") // sic: the documented create-app message (§16 item 32)
		}
		if _, dup := secrets[osv]; dup {
			return rq.invalid("Platform already exists for the specified App.")
		}
		p, secret, fail := newPlatform(rq, it, osv, now)
		if fail != nil {
			return *fail
		}
		secrets[osv] = secret
		a.Platforms = append(a.Platforms, p)
	}
	a.ID = s.st.meta.nextID("app")
	s.st.apps.put(a)
	t.put(a)
	t.put(s.st.meta)
	return okEnv(http.StatusCreated, "application", []appView{a.view(secrets)})
}

func (s *Server) appLimit() int {
	if s.opts.AppLimit > 0 {
		return s.opts.AppLimit
	}
	if s.st.meta.AppLimit > 0 {
		return s.st.meta.AppLimit
	}
	return DefaultAppLimit
}

func (s *Server) deleteApp(rq *request, t *tx) response {
	a, fail := s.appOf(rq)
	if fail != nil {
		return *fail
	}
	if len(a.Platforms) > 0 {
		return rq.invalid("Deleting an app that has active platforms is not allowed.")
	}
	s.dropApp(a, t)
	return emptyOK("application")
}

// dropApp removes an app with its DataPoints and filters.
func (s *Server) dropApp(a *app, t *tx) {
	s.st.apps.del(a)
	t.del(a.key())
	for _, d := range s.st.dps.list(a.ID) {
		t.del(d.key())
	}
	s.st.dps.delAll(a.ID)
	for _, f := range s.st.filters[a.ID] {
		t.del(f.key())
	}
	delete(s.st.filters, a.ID)
}

// ---- platforms ----

// newAccessKey makes an access key and its secret.
func newAccessKey() (key, secret string) {
	var k [16]byte
	var sec [24]byte
	rand.Read(k[:])
	rand.Read(sec[:])
	return hex.EncodeToString(k[:]), base64.RawURLEncoding.EncodeToString(sec[:])
}

// platformSettings are the writable settings of a platform (§6.3).
type platformSettings struct {
	crash, network, social *string
	merging                *bool
	timer                  *int64
}

// readPlatformSettings reads and checks the optional settings. Wrong JSON
// types are 400; values outside the enums are 422 with the sandbox's own
// messages (the reference documents none for platforms).
func readPlatformSettings(rq *request, f fields) (platformSettings, *response) {
	var ps platformSettings
	fail := func(r response) (platformSettings, *response) { return ps, &r }
	for _, e := range []struct {
		field  string
		values []string
		dst    **string
	}{
		{"crash_handling", crashValues, &ps.crash},
		{"network_performance", networkValues, &ps.network},
		{"social_mode", socialValues, &ps.social},
	} {
		v, err := f.str(e.field)
		if err != nil {
			return fail(rq.bodyFail(err))
		}
		if v == nil {
			continue
		}
		c, known := canonical(e.values, *v)
		if !known {
			return fail(rq.invalid(fmt.Sprintf("Invalid %s specified; use one of %s.", e.field, strings.Join(e.values, ", "))))
		}
		*e.dst = &c
	}
	var err error
	if ps.merging, err = f.boolean("profile_merging"); err != nil {
		return fail(rq.bodyFail(err))
	}
	if ps.timer, err = f.integer("push_attribution_timer"); err != nil {
		return fail(rq.bodyFail(err))
	}
	if ps.timer != nil && (*ps.timer < 0 || *ps.timer > 60*24*365) {
		return fail(rq.invalid("push_attribution_timer must be a number of minutes from 0 to 525600."))
	}
	return ps, nil
}

func (ps platformSettings) apply(p *platform) {
	if ps.crash != nil {
		p.CrashHandling = ps.crash
	}
	if ps.network != nil {
		p.NetworkPerformance = ps.network
	}
	if ps.social != nil {
		p.SocialMode = ps.social
	}
	if ps.merging != nil {
		p.ProfileMerging = *ps.merging
	}
	if ps.timer != nil {
		p.PushAttributionTimer = *ps.timer
	}
}

// newPlatform builds a platform from a create body: supplied settings are
// echoed, the rest default to AppDefined / false / 30 (§16 item 34).
func newPlatform(rq *request, f fields, osv, now string) (*platform, string, *response) {
	ps, fail := readPlatformSettings(rq, f)
	if fail != nil {
		return nil, "", fail
	}
	key, secret := newAccessKey()
	p := &platform{OS: osv, AccessKey: key, CrashHandling: pointerTo("AppDefined"), NetworkPerformance: pointerTo("AppDefined"),
		SocialMode: pointerTo("AppDefined"), PushAttributionTimer: 30, CreatedOn: now, LastModifiedOn: now, Services: []*serviceConfig{}}
	ps.apply(p)
	return p, secret, nil
}

// createPlatform is POST /apps/{appId} (§6.4). A body with platforms and
// no os is the reference's create-app curl (§16 item 3) and creates an app.
func (s *Server) createPlatform(rq *request, t *tx) response {
	f, err := bodyObject(rq.body)
	if err != nil {
		return rq.bodyFail(err)
	}
	if !f.has("os") && f.has("platforms") {
		return s.createAppFrom(rq, t, f)
	}
	a, fail := s.appOf(rq)
	if fail != nil {
		return rq.invalid("Could not create platform: App does not exist or you do not have access.")
	}
	osName, err := f.str("os")
	if err != nil {
		return rq.bodyFail(err)
	}
	osv, known := "", false
	if osName != nil {
		osv, known = canonical(osValues, *osName)
	}
	if !known {
		return rq.invalid("Invalid os specified.")
	}
	if a.platform(osv) != nil {
		return rq.invalid("Platform already exists for the specified App.")
	}
	now := stamp(rq.now)
	p, secret, fail := newPlatform(rq, f, osv, now)
	if fail != nil {
		return *fail
	}
	a.Platforms = append(a.Platforms, p)
	a.LastModifiedOn = now
	t.put(a)
	return okEnv(http.StatusCreated, "platform", []platformView{p.view(a.ID, secret)})
}

func (a *app) platform(osv string) *platform {
	for _, p := range a.Platforms {
		if p.OS == osv {
			return p
		}
	}
	return nil
}

// platformOf finds the app and the platform of the path ({platform} is an
// OS name in any case, §16 item 10).
func (s *Server) platformOf(rq *request) (*app, *platform, *response) {
	a, fail := s.appOf(rq)
	if fail != nil {
		return nil, nil, fail
	}
	seg := rq.params["platform"]
	if osv, known := canonical(osValues, seg); known {
		if p := a.platform(osv); p != nil {
			return a, p, nil
		}
	}
	f := rq.notFound("Platform %s does not exist on app %d.", quoteParam(seg), a.ID)
	return nil, nil, &f
}

func (s *Server) listPlatforms(rq *request, _ *tx) response {
	a, fail := s.appOf(rq)
	if fail != nil {
		return *fail
	}
	out := make([]platformView, 0, len(a.Platforms))
	for _, p := range a.Platforms {
		out = append(out, p.view(a.ID, ""))
	}
	return okEnv(http.StatusOK, "platform", out)
}

func (s *Server) getPlatform(rq *request, _ *tx) response {
	a, p, fail := s.platformOf(rq)
	if fail != nil {
		return *fail
	}
	return okEnv(http.StatusOK, "platform", []platformView{p.view(a.ID, "")})
}

func (s *Server) updatePlatform(rq *request, t *tx) response {
	a, p, fail := s.platformOf(rq)
	if fail != nil {
		return *fail
	}
	f, err := bodyObject(rq.body)
	if err != nil {
		return rq.bodyFail(err)
	}
	if v, err := f.str("os"); err != nil {
		return rq.bodyFail(err)
	} else if v != nil {
		if c, _ := canonical(osValues, *v); c != p.OS {
			return rq.invalid("The os of a platform cannot be changed; create a platform for the other os instead.")
		}
	}
	ps, fail := readPlatformSettings(rq, f)
	if fail != nil {
		return *fail
	}
	ps.apply(p)
	p.LastModifiedOn = stamp(rq.now)
	t.put(a)
	return okEnv(http.StatusAccepted, "platform", []platformView{p.view(a.ID, "")})
}

func (s *Server) deletePlatform(rq *request, t *tx) response {
	a, p, fail := s.platformOf(rq)
	if fail != nil {
		return *fail
	}
	for i, x := range a.Platforms {
		if x == p {
			a.Platforms = append(a.Platforms[:i:i], a.Platforms[i+1:]...)
			break
		}
	}
	a.LastModifiedOn = stamp(rq.now)
	t.put(a)
	return emptyOK("platform")
}

// ---- service configurations on a platform ----

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
// and service", typically one visible and one hidden (§7.2, §16 item 36).
const maxConfigsPerService = 2

// putServiceConfig is PUT .../services (§7.2): create or update the
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
// mappings (§7.3), String anything.
func validSettingValue(typ, v string) bool {
	switch typ {
	case "Bool":
		return strings.EqualFold(v, "true") || strings.EqualFold(v, "false")
	case "Custom":
		return validCustomMapping(v)
	}
	return true
}
