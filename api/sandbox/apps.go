package sandbox

import (
	"net/http"
	"strings"
)

// Apps: list, get, rename, create (with their platforms) and delete.

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
// reference's curl that posts the same body to /apps/{id}, docs/inconsistencies.md: create app).
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
			return rq.invalid("Invalid as specified.") // sic: the documented create-app message (docs/inconsistencies.md: message spellings)
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
