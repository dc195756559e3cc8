package api

import (
	"errors"
	"net"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"
)

// excerptLen is the longest excerpt of a non-JSON body an *Error keeps.
const excerptLen = 160

// The patterns are compiled when first used, not when the program starts.
var (
	htmlTitle = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`) })
	htmlDrop  = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?is)<(script|style|head)[^>]*>.*?</(script|style|head)>`)
	})
	htmlTag     = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?s)<[^>]*>`) })
	bearerWord  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)\b(bearer)\s+[A-Za-z0-9._~+/=-]+`) })
	secretField = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)("?(?:client_secret|access_token|refresh_token)"?\s*[:=]\s*"?)[^"&\s,}]+`)
	})
	spaces = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\s+`) })
)

// Excerpt returns a short, printable, single-line excerpt of a body that is
// not a JSON envelope: for an HTML page its title (or its text without
// tags), control characters removed, whitespace collapsed, anything shaped
// like a bearer token or a client secret blanked, cut to n runes.
func Excerpt(body []byte, n int) string {
	s := string(body)
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "�")
	}
	if strings.Contains(strings.ToLower(s[:min(len(s), 512)]), "<") {
		title := ""
		if m := htmlTitle().FindStringSubmatch(s); m != nil {
			title = strings.TrimSpace(htmlTag().ReplaceAllString(m[1], " "))
		}
		text := htmlTag().ReplaceAllString(htmlDrop().ReplaceAllString(s, " "), " ")
		text = strings.TrimSpace(spaces().ReplaceAllString(cleanText(text), " "))
		switch {
		case title != "" && text != "" && !strings.HasPrefix(text, title):
			s = title + ": " + text
		case title != "":
			s = title
		default:
			s = text
		}
		s = unescapeHTML(s)
	}
	s = redactShapes(strings.TrimSpace(spaces().ReplaceAllString(cleanText(s), " ")))
	if utf8.RuneCountInString(s) > n {
		r := []rune(s)
		s = strings.TrimSpace(string(r[:n])) + "…"
	}
	return s
}

var htmlEntities = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&quot;", `"`, "&#39;", "'", "&nbsp;", " ")

func unescapeHTML(s string) string { return htmlEntities.Replace(s) }

// redactShapes blanks what looks like a credential whatever its value:
// "Bearer xyz" and client_secret=/access_token= pairs.
func redactShapes(s string) string {
	s = bearerWord().ReplaceAllString(s, "$1 [redacted]")
	return secretField().ReplaceAllString(s, "${1}[redacted]")
}

// redactor removes known secret values (the client secret, current and
// past tokens) from text bound for an error message or a log line.
type redactor struct {
	secrets []string
}

func (r redactor) text(s string) string {
	for _, sec := range r.secrets {
		if len(sec) >= 4 {
			s = strings.ReplaceAll(s, sec, "[redacted]")
		}
	}
	return redactShapes(s)
}

// sanitizedError is an error whose text has been scrubbed of secrets, while
// errors.Is/As still reach the original cause.
type sanitizedError struct {
	msg   string
	cause error
}

func (e *sanitizedError) Error() string { return e.msg }
func (e *sanitizedError) Unwrap() error { return e.cause }

// sanitize returns err with its message scrubbed of the given secrets. A
// *url.Error is reduced to its cause: the URL is already in *Error.Path.
func sanitize(err error, r redactor) error {
	if err == nil {
		return nil
	}
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		err = ue.Err
	}
	msg := r.text(err.Error())
	return &sanitizedError{msg: msg, cause: err}
}

// notSent reports whether a transport error certainly happened before the
// request reached the server (the connection was never established), so
// that even a POST may be repeated.
func notSent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}
