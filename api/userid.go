package api

import (
	"fmt"
	"strings"
)

// EncodeUserID turns an email into the id the Users endpoints take
// (docs/reference.md, users; docs/inconsistencies.md: user ids): every byte outside [A-Za-z0-9] is
// written as two uppercase hex digits, so test@mparticle.com becomes
// test40mparticle2Ecom. The reference gives only that one example; the
// encoding is not reversible in general (a literal "40" in an address reads
// like an encoded "@"), which is why the console always derives the id
// from the email and never the other way round.
func EncodeUserID(email string) string {
	var b strings.Builder
	for i := 0; i < len(email); i++ {
		c := email[i]
		if ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%02X", c)
	}
	return b.String()
}

// joinKey builds a composite natural key (data points, service
// configurations) from its parts: each part has "%" and "/" escaped, and
// the parts are joined with "/", so the key is unambiguous and readable
// ("Event/my event//navigation").
func joinKey(parts ...string) string {
	esc := strings.NewReplacer("%", "%25", "/", "%2F")
	for i, p := range parts {
		parts[i] = esc.Replace(p)
	}
	return strings.Join(parts, "/")
}
