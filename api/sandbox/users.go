package sandbox

import (
	"net/http"
	"strings"
)

// Users: the people with access to an account, found by encoded id.

// EncodeUserID is the {userId} of /users/{userId} for an e-mail address:
// every byte outside [A-Za-z0-9] becomes two upper-case hex digits
// (test@mparticle.com → test40mparticle2Ecom, docs/inconsistencies.md: user ids).
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

// userOf finds the user of the path: the encoded id (compared
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

// createUser is the hidden POST /users.
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

// deleteUser is the hidden DELETE /users/{userId}.
func (s *Server) deleteUser(rq *request, t *tx) response {
	u, fail := s.userOf(rq)
	if fail != nil {
		return *fail
	}
	s.st.users.del(u)
	t.del(u.key())
	s.st.dropAssignments(t, rq.account, u.Email)
	return emptyOK("user")
}
