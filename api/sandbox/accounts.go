package sandbox

import (
	"net/http"
	"strings"
)

// Accounts: those a credential may reach, and their lifecycle.

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
// the accountId (docs/inconsistencies.md: GET /accounts).
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

// createAccount is POST /accounts, without accountId (docs/inconsistencies.md: where accountId is required).
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

// deleteAccount is DELETE /accounts?accountId=; DELETE
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
		s.deletePlansOf(w.ID, t)
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
