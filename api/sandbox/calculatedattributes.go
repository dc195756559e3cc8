package sandbox

import (
	"fmt"
	"net/http"

	"github.com/mpconsole/mpconsole/api/sandbox/calcattr"
)

// serveCalculatedAttributes hands /platform/v2/workspaces/{workspaceId}/
// calculatedattributes… to calcattr.Serve with the workspace's book. The
// workspace decides the account (workspace ids are unique across the
// sandbox), so no accountId is needed. A workspace the credential cannot
// reach is 404; a read-only credential's write is 403. The book is persisted
// when Serve changed it.
func (s *Server) serveCalculatedAttributes(rq *request, t *tx) response {
	id, ok := rq.paramID("workspaceId")
	w := s.st.workspaces.get(id)
	if !ok || w == nil || s.st.accounts.get(w.AccountID) == nil || !rq.cred.canReach(w.AccountID) {
		return failV2(http.StatusNotFound, codeNotFound,
			fmt.Sprintf("Workspace %s does not exist or you do not have access.", quoteParam(rq.params["workspaceId"])))
	}
	if isWrite(rq.method) && rq.cred.ReadOnly {
		return forbidden(rq.route, rq.cred, rq.method)
	}
	if f := rq.checkBody(); f != nil {
		return *f
	}
	retention := s.opts.RetentionDays
	if retention <= 0 {
		retention = DefaultRetentionDays
	}
	limit := s.opts.ActiveCALimit
	switch {
	case limit == 0:
		limit = DefaultActiveCALimit
	case limit < 0:
		limit = 0 // calcattr.Env: no limit
	}
	book := s.st.book(w.ID)
	env := calcattr.Env{
		Now:             rq.now,
		User:            rq.cred.ClientID,
		ActiveInAccount: s.st.activeCAs(w.AccountID),
		ActiveLimit:     limit,
		RetentionDays:   retention,
		EarliestDate:    rq.now.AddDate(0, 0, -retention),
	}
	res := calcattr.Serve(book, env, rq.method, rq.params["rest"], rq.query, rq.body)
	if res.Changed {
		t.put(storedBook{w.ID, book})
	}
	return response{status: res.Status, body: res.Body, allow: res.Allow}
}
