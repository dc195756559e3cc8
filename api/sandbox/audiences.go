package sandbox

import "net/http"

// Audiences: bare arrays, no envelope (docs/inconsistencies.md: audience lists).

func (s *Server) listAudiences(rq *request, _ *tx) response {
	ids := s.st.audiences.idsOf(rq.account)
	out := make([]audienceView, 0, len(ids))
	for _, id := range ids {
		if a := s.st.audiences.get(id); a.Status == "active" {
			out = append(out, a.view(s.st))
		}
	}
	return bare(http.StatusOK, out)
}

// listWorkspaceAudiences returns the active audiences calculated from this
// workspace alone (docs/inconsistencies.md: workspace audience list).
func (s *Server) listWorkspaceAudiences(rq *request, _ *tx) response {
	w, fail := s.workspaceOf(rq)
	if fail != nil {
		return *fail
	}
	out := []audienceView{}
	for _, id := range s.st.audiences.idsOf(rq.account) {
		a := s.st.audiences.get(id)
		if a.Status == "active" && len(a.Workspaces) == 1 && a.Workspaces[0] == w.ID {
			out = append(out, a.view(s.st))
		}
	}
	return bare(http.StatusOK, out)
}

func (s *Server) deleteAudience(rq *request, t *tx) response {
	id, ok := rq.paramID("audienceId")
	a := s.st.audiences.get(id)
	if !ok || a == nil || a.AccountID != rq.account {
		return rq.notFound("Audience %s does not exist in account %d.", quoteParam(rq.params["audienceId"]), rq.account)
	}
	s.st.audiences.del(a)
	t.del(a.key())
	return emptyOK("audience")
}
