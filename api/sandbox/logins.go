package sandbox

// What a console embedding the sandbox needs to offer it as profiles: the
// seeded demo credentials and the account they open on. A Server started
// with its own Credentials still reports these; they are the ones the
// default credentials accept.

// AdminLogin is the seeded admin credential, which reaches every account.
func (s *Server) AdminLogin() (clientID, secret string) {
	return DefaultClientID, DefaultClientSecret
}

// ViewerLogin is the seeded read-only credential, which reaches the seed
// account only.
func (s *Server) ViewerLogin() (clientID, secret string) {
	return ViewerClientID, ViewerClientSecret
}

// SeedAccount is the account of the reference's examples, SeedAccountID.
func (s *Server) SeedAccount() int64 { return SeedAccountID }
