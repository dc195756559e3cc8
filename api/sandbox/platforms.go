package sandbox

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
)

// The platforms of an app: each OS once, with its access key.

// newAccessKey makes an access key and its secret.
func newAccessKey() (key, secret string) {
	var k [16]byte
	var sec [24]byte
	rand.Read(k[:])
	rand.Read(sec[:])
	return hex.EncodeToString(k[:]), base64.RawURLEncoding.EncodeToString(sec[:])
}

// platformSettings are the writable settings of a platform.
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
// echoed, the rest default to AppDefined / false / 30 (docs/inconsistencies.md: create echoes the request).
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

// createPlatform is POST /apps/{appId}. A body with platforms and
// no os is the reference's create-app curl (docs/inconsistencies.md: create app) and creates an app.
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
// OS name in any case, docs/inconsistencies.md: platform segment casing).
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
