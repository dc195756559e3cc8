package sandbox

import "net/http"

// The services catalogue: the integrations a platform can forward to.

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
