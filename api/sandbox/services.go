package sandbox

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/mpconsole/mpconsole/api"
)

// The services catalogue (§13), accounts (§4), users (§14) and workspaces
// (§15).

func stamp(t time.Time) string { return api.FormatTime(t) }

func (s *Server) listServices(rq *request, _ *tx) response {
	out := make([]serviceView, 0, len(s.st.services))
	for _, svc := range s.st.services {
		out = append(out, svc.view())
	}
	return okEnv(http.StatusOK, "service", out)
}

func (s *Server) getService(rq *request, _ *tx) response {
	svc := s.st.service(rq.params["serviceName"])
	if svc == nil {
		return rq.notFound("Service %s is not in the catalogue.", quoteParam(rq.params["serviceName"]))
	}
	return okEnv(http.StatusOK, "service", []serviceView{svc.view()})
}

// validCustomMapping checks a Custom setting value: a JSON array of
// {"maptype","map","value"} objects (§7.3).
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

// ---- accounts ----

// visibleAccounts lists the accounts the credential may reach, by id.
func (s *Server) visibleAccounts(cred *Credential) []*account {
	out := []*account{}
	for _, id := range s.st.accounts.ids {
		if cred.canReach(id) {
			out = append(out, s.st.accounts.get(id))
		}
	}
	return out
}

// listAccounts returns every account the credential can reach, whatever
// the accountId (§4.2, §16 item 14).
func (s *Server) listAccounts(rq *request, _ *tx) response {
	accts := s.visibleAccounts(rq.cred)
	out := make([]accountView, 0, len(accts))
	for _, a := range accts {
		out = append(out, a.view())
	}
	return okEnv(http.StatusOK, "account", out)
}

// accountOf is the account of the path: it must exist and be reachable
// (404); it need not equal the accountId.
func (s *Server) accountOf(rq *request) (*account, *response) {
	id, ok := rq.paramID("accountPath")
	a := s.st.accounts.get(id)
	if !ok || a == nil || !rq.cred.canReach(id) {
		f := rq.notFound("Account %s does not exist or you do not have access.", quoteParam(rq.params["accountPath"]))
		return nil, &f
	}
	return a, nil
}

func (s *Server) getAccount(rq *request, _ *tx) response {
	a, fail := s.accountOf(rq)
	if fail != nil {
		return *fail
	}
	return okEnv(http.StatusOK, "account", []accountView{a.view()})
}

func (s *Server) accountNameTaken(name string, except int64) bool {
	for _, a := range s.st.accounts.list(0) {
		if a.ID != except && strings.EqualFold(a.Name, name) {
			return true
		}
	}
	return false
}

// accountName reads and checks the name of an account body.
func (s *Server) accountName(rq *request, except int64) (string, *response) {
	f, err := bodyObject(rq.body)
	if err != nil {
		r := rq.bodyFail(err)
		return "", &r
	}
	name, err := f.str("name")
	if err != nil {
		r := rq.bodyFail(err)
		return "", &r
	}
	if name == nil || strings.TrimSpace(*name) == "" {
		r := rq.invalid("Account name must be specified.")
		return "", &r
	}
	n := strings.TrimSpace(*name)
	if s.accountNameTaken(n, except) {
		r := rq.invalid("Account name is not unique.")
		return "", &r
	}
	return n, nil
}

func (s *Server) updateAccount(rq *request, t *tx) response {
	a, fail := s.accountOf(rq)
	if fail != nil {
		return *fail
	}
	n, fail := s.accountName(rq, a.ID)
	if fail != nil {
		return *fail
	}
	a.Name = n
	a.LastModifiedOn = stamp(rq.now)
	t.put(a)
	return okEnv(http.StatusAccepted, "account", []accountView{a.view()})
}

// createAccount is POST /accounts, without accountId (§4.4, §16 item 13).
func (s *Server) createAccount(rq *request, t *tx) response {
	n, fail := s.accountName(rq, 0)
	if fail != nil {
		return *fail
	}
	now := stamp(rq.now)
	a := &account{ID: s.st.meta.nextID("account"), Name: n, CreatedOn: now, LastModifiedOn: now}
	s.st.accounts.put(a)
	t.put(a)
	t.put(s.st.meta)
	return okEnv(http.StatusCreated, "account", []accountView{a.view()})
}

// deleteAccount is DELETE /accounts?accountId= (§4.5); DELETE
// /accounts/{id} is accepted too, for the account of the path.
func (s *Server) deleteAccount(rq *request, t *tx) response {
	a := s.st.accounts.get(rq.account)
	if _, isPath := rq.params["accountPath"]; isPath {
		var fail *response
		if a, fail = s.accountOf(rq); fail != nil {
			return *fail
		}
	}
	if len(s.st.apps.idsOf(a.ID)) > 0 {
		return rq.invalid("All applications must be deleted before deleting account.")
	}
	// Everything else of the account goes with it.
	for _, w := range s.st.workspaces.list(a.ID) {
		for _, f := range s.st.feeds.list(w.ID) {
			for _, sub := range s.st.subs.list(f.ID) {
				t.del(sub.key())
			}
			s.st.subs.delAll(f.ID)
			t.del(f.key())
		}
		s.st.feeds.delAll(w.ID)
		for _, o := range s.st.outcfgs.list(w.ID) {
			t.del(o.key())
		}
		s.st.outcfgs.delAll(w.ID)
		if _, has := s.st.books[w.ID]; has {
			t.del(caBookKey(w.ID))
			delete(s.st.books, w.ID)
		}
		t.del(w.key())
	}
	s.st.workspaces.delAll(a.ID)
	for _, au := range s.st.audiences.list(a.ID) {
		t.del(au.key())
	}
	s.st.audiences.delAll(a.ID)
	for _, u := range s.st.users.list(a.ID) {
		t.del(u.key())
	}
	s.st.users.delAll(a.ID)
	s.st.accounts.del(a)
	t.del(a.key())
	return emptyOK("account")
}

// ---- users ----

// EncodeUserID is the {userId} of /users/{userId} for an e-mail address:
// every byte outside [A-Za-z0-9] becomes two upper-case hex digits
// (test@mparticle.com → test40mparticle2Ecom, §14.2, §16 item 67).
func EncodeUserID(email string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(email); i++ {
		c := email[i]
		if ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') {
			b.WriteByte(c)
		} else {
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
		}
	}
	return b.String()
}

func (s *Server) listUsers(rq *request, _ *tx) response {
	out := []userView{}
	for _, u := range s.st.users.list(rq.account) {
		out = append(out, u.view())
	}
	return okEnv(http.StatusOK, "user", out)
}

// userOf finds the user of the path: the encoded id of §14.2 (compared
// case-insensitively) or, for convenience, the plain e-mail address.
func (s *Server) userOf(rq *request) (*user, *response) {
	id := rq.params["userId"]
	if u := s.st.userByID(rq.account, id); u != nil {
		return u, nil
	}
	if u := s.st.userByEmail(rq.account, id); u != nil {
		return u, nil
	}
	f := rq.notFound("User %s does not exist in account %d.", quoteParam(id), rq.account)
	return nil, &f
}

func (s *Server) getUser(rq *request, _ *tx) response {
	u, fail := s.userOf(rq)
	if fail != nil {
		return *fail
	}
	return okEnv(http.StatusOK, "user", []userView{u.view()})
}

// createUser is the hidden POST /users (§14.3).
func (s *Server) createUser(rq *request, t *tx) response {
	f, err := bodyObject(rq.body)
	if err != nil {
		return rq.bodyFail(err)
	}
	var vals [3]string
	for i, k := range []string{"first_name", "last_name", "email"} {
		v, err := f.str(k)
		if err != nil {
			return rq.bodyFail(err)
		}
		if v != nil {
			vals[i] = strings.TrimSpace(*v)
		}
	}
	first, last, email := vals[0], vals[1], vals[2]
	switch {
	case first == "" && last == "":
		return rq.invalid("First name or last name required.")
	case email == "":
		return rq.invalid("Email is required.")
	case !validEmail(email):
		return rq.invalid("Email must be a valid email format.")
	}
	if s.st.userByEmail(rq.account, email) != nil || s.st.userByID(rq.account, EncodeUserID(email)) != nil {
		return rq.invalid("A user with this email already exists in the account.")
	}
	u := &user{Seq: s.st.meta.nextID("user"), AccountID: rq.account, FirstName: first, LastName: last, Email: email}
	s.st.users.put(u)
	t.put(u)
	t.put(s.st.meta)
	return okEnv(http.StatusCreated, "user", []userView{u.view()})
}

// validEmail is a plain shape check: local@domain.tld, no spaces.
func validEmail(e string) bool {
	local, domain, found := strings.Cut(e, "@")
	if !found || local == "" || strings.ContainsAny(e, " \t\r\n<>()[]\\,;:\"") || strings.Contains(domain, "@") {
		return false
	}
	dot := strings.LastIndex(domain, ".")
	return dot > 0 && dot < len(domain)-1 && !strings.Contains(domain, "..")
}

// deleteUser is the hidden DELETE /users/{userId} (§14.4).
func (s *Server) deleteUser(rq *request, t *tx) response {
	u, fail := s.userOf(rq)
	if fail != nil {
		return *fail
	}
	s.st.users.del(u)
	t.del(u.key())
	return emptyOK("user")
}

// ---- workspaces ----

func (s *Server) listWorkspaces(rq *request, _ *tx) response {
	ids := s.st.workspaces.idsOf(rq.account)
	out := make([]workspaceView, 0, len(ids))
	for _, id := range ids {
		out = append(out, s.st.workspaces.get(id).view())
	}
	return okEnv(http.StatusOK, "workspace", out)
}

// workspaceOf is the workspace of the path, in the request's account.
func (s *Server) workspaceOf(rq *request) (*workspace, *response) {
	id, ok := rq.paramID("workspaceId")
	var w *workspace
	if ok {
		w = s.st.workspaceIn(rq.account, id)
	}
	if w == nil {
		f := rq.notFound("Workspace %s does not exist in account %d or you do not have access.", quoteParam(rq.params["workspaceId"]), rq.account)
		return nil, &f
	}
	return w, nil
}
