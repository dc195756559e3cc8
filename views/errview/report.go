// Package errview shows failed requests: the error pane under the table and
// the session's error log.
//
// # Design
//
// Describe turns any error into a Report, a pure, testable summary: a title
// (the HTTP status and its standard reason, or what happened when no answer
// arrived), the request (method and path), the envelope's items as
// "CODE: message", the retry state for 429, 5xx and network failures, and
// plain sentences saying what happened and what to check. *api.Error is
// understood in depth (found with errors.As, so wrapped errors work); any
// other error is shown by its text.
//
// The pane and the log only lay a Report out. The pane is not a Component:
// it never takes focus or keys; the root sets and clears it (esc dismisses it
// when nothing else wants esc) and gives it a maximum height. The log is a
// Component (a list with the selected error's full report under it).
//
// Reason phrases are Go's standard ones (http.StatusText): 504 reads
// "Gateway Timeout", not the reference's "Bad Gateway" (docs/inconsistencies.md:
// the 504 reason phrase). All text from the server is sanitised before it is laid out.
package errview

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/internal/termtext"
	"github.com/mpconsole/mpconsole/views/text"
)

// Report is an error laid out for a person.
type Report struct {
	Title   string          // "422 Unprocessable Entity", "Connection refused"
	Request string          // "POST /v1/apps?accountId=1"
	Items   []api.ErrorItem // the envelope's errors, in order
	Excerpt string          // the start of a body that was not the API's JSON
	Explain []string        // what happened and what to check
	Retry   string          // attempts and Retry-After
	Warning string          // a write that may or may not have been applied
	Cause   string          // the underlying cause's text, for network failures
}

// Describe builds the Report for err.
func Describe(err error) Report {
	if err == nil {
		return Report{}
	}
	var e *api.Error
	if !errors.As(err, &e) {
		// One line of explanation per line of the error: a summary of
		// several failures (a bulk write) lists one a line.
		return Report{Title: "Error", Explain: strings.Split(err.Error(), "\n")}
	}
	r := Report{Items: e.Items, Excerpt: e.Excerpt}
	if e.Method != "" || e.Path != "" {
		r.Request = strings.TrimSpace(e.Method + " " + e.Path)
		if e.TokenEndpoint {
			r.Request += " (token endpoint)"
		}
	}
	host := hostOf(e.Err)
	where := "the API"
	if host != "" {
		where = host
	}

	switch {
	case e.Status != 0:
		r.Title = statusTitle(e.Status)
	case e.Kind != nil:
		r.Title = upperFirst(e.Kind.Error())
	default:
		r.Title = "Request failed"
	}

	switch {
	case e.TokenEndpoint:
		r.describeToken(e, where)
	case e.Status == 0 || errors.Is(e, api.ErrNetwork):
		r.describeNetwork(e, where)
	default:
		r.describeStatus(e)
	}

	if e.Status == 0 && e.Err != nil {
		r.Cause = e.Err.Error()
	} else if e.Err != nil && len(e.Items) == 0 && e.Excerpt == "" {
		r.Cause = e.Err.Error()
	}
	r.Retry = retryText(e)
	r.Warning = writeWarning(e)
	return r
}

// writeWarning says what a failed write left behind, when that is in doubt:
// the client marks a POST MaybeApplied when its answer was lost (the
// connection failed after the request was sent) or when the server answered
// in a way that does not say whether it acted (500, 502, 504, or a success
// whose body could not be read). A 503 is the server declining the request
// before doing any work (see docs/client.md), so it is not in doubt.
func writeWarning(e *api.Error) string {
	if !e.MaybeApplied {
		return ""
	}
	const check = " It was not repeated. Refresh and check before trying again."
	switch {
	case e.Status >= 200 && e.Status < 300:
		return fmt.Sprintf("This write may or may not have been applied: the server answered %s, but its answer could not be read.", statusTitle(e.Status)) + check
	case e.Status != 0:
		return fmt.Sprintf("This write may or may not have been applied: the server answered %s, which does not say whether it did the work first.", statusTitle(e.Status)) + check
	}
	return "This write may or may not have been applied: the connection failed after the request was sent, before an answer arrived." + check
}

func (r *Report) describeToken(e *api.Error, where string) {
	switch {
	case errors.Is(e, api.ErrUnauthorized):
		r.Title = "Credentials refused"
		if e.Status != 0 {
			r.Title += fmt.Sprintf(" (%s)", statusTitle(e.Status))
		}
		r.Explain = append(r.Explain, "The token endpoint refused the credentials: nothing reached the API. "+
			"Check the profile's client_id and client secret, and its audience.")
	case e.Status == 0:
		r.describeNetwork(e, where)
		r.Explain = append(r.Explain, "This was the token request: check token_url in the profile.")
	default:
		r.Explain = append(r.Explain, fmt.Sprintf("The token endpoint answered %s instead of a token. "+
			"Check token_url in the profile: it may not point at the OAuth token endpoint.", statusTitle(e.Status)))
		r.explainBody(e)
	}
}

func (r *Report) describeNetwork(e *api.Error, where string) {
	cause := e.Err
	var dns *net.DNSError
	var ne net.Error
	switch {
	case cause == nil:
		r.Explain = append(r.Explain, fmt.Sprintf("No answer came from %s. Check the base URL and the network.", where))
	case errors.Is(cause, context.Canceled):
		r.Title = "Cancelled"
		r.Explain = append(r.Explain, "The request was cancelled before an answer arrived.")
	case errors.As(cause, &dns):
		r.Title = "Host not found"
		r.Explain = append(r.Explain, fmt.Sprintf("The host name %s could not be resolved. Check the base URL in the profile.", termtext.Sanitize(dns.Name)))
	case errors.Is(cause, syscall.ECONNREFUSED) || strings.Contains(cause.Error(), "connection refused"):
		r.Title = "Connection refused"
		r.Explain = append(r.Explain, fmt.Sprintf("Nothing is listening at %s. Check the base URL, and that the API (or the sandbox) is running.", where))
	case errors.Is(cause, context.DeadlineExceeded) || errors.As(cause, &ne) && ne.Timeout():
		r.Title = "Timed out"
		switch stalled, overrun := api.ArrivingTimeout(cause); {
		case overrun:
			r.Explain = append(r.Explain, fmt.Sprintf("The answer from %s was still arriving when the request's time budget ran out. "+
				"An answer this large over this link needs a longer --request-timeout.", where))
		case stalled:
			r.Explain = append(r.Explain, fmt.Sprintf("The answer from %s stopped arriving midway. "+
				"Check the network and any proxy in between.", where))
		default:
			r.Explain = append(r.Explain, fmt.Sprintf("No answer came from %s in time. Check the network and the base URL.", where))
		}
	case errors.Is(cause, syscall.ECONNRESET) || errors.Is(cause, io.ErrUnexpectedEOF) || errors.Is(cause, io.EOF) ||
		strings.Contains(cause.Error(), "connection reset") || strings.HasSuffix(cause.Error(), "EOF"):
		r.Title = "Connection dropped"
		when := "before the answer arrived"
		if e.Status >= 200 && e.Status < 300 { // a list read as it arrived: part of it came
			when = fmt.Sprintf("while the answer (%s) was arriving: what came before was read, the rest is missing", statusTitle(e.Status))
		}
		r.Explain = append(r.Explain, fmt.Sprintf("The connection to %s was dropped %s. "+
			"This is often transient; if it persists, check the base URL and any proxy in between.", where, when))
	default:
		r.Explain = append(r.Explain, fmt.Sprintf("The request to %s failed before an answer arrived. Check the base URL and the network.", where))
	}
}

// describeStatus explains an answer with a status. The first sentence
// says who answered: the server, with its status, when the body was the
// API's (or empty) and did not explain itself; "an answer … not the
// API's" when the body was a page,
// text or broken JSON (a proxy, a login page or another service may have
// answered instead).
func (r *Report) describeStatus(e *api.Error) {
	s := e.Status
	var broken *api.MalformedError
	if s >= 200 && s < 300 && errors.As(e, &broken) && broken.Entities > 0 {
		// The API's answer, read as it arrived, broke off: what came
		// before the break was its own.
		r.Explain = append(r.Explain,
			fmt.Sprintf("The answer (%s) was malformed at byte %s: it stopped being valid JSON there.", statusTitle(s), text.GroupDigits(broken.At)),
			fmt.Sprintf("The %s before that point were read; the rest of the list is missing, so the rows it gave are incomplete. "+
				"Refresh to load it again.", entities(broken.Entities)))
		return
	}
	notAPI := len(e.Items) == 0 && e.Excerpt != "" || s >= 200 && s < 300 && errors.Is(e, api.ErrBadResponse)
	lead := "The server answered " + statusTitle(s) + ". "
	if notAPI {
		r.Explain = append(r.Explain, fmt.Sprintf("An answer came back (%s), but it was not the API's.", statusTitle(s)))
		lead = ""
	}
	say := func(msg string) {
		msg = lead + msg
		r.Explain = append(r.Explain, msg)
	}
	write := e.Method != "" && e.Method != http.MethodGet && e.Method != http.MethodHead
	switch {
	case s == http.StatusUnauthorized:
		say("The API refused the access token, even after renewing it. " +
			"Check that the credential may use this account; the API also answers 401 when the account id is missing.")
	case s == http.StatusForbidden:
		if !write {
			say("This credential may not read this.")
		} else {
			say("This credential may not write: it is read-only for this account.")
		}
	case s == http.StatusNotFound:
		say("The entity may have been deleted, or it is outside this account. Refresh the list.")
	case s == http.StatusMethodNotAllowed:
		say("The API does not allow this method on this path.")
	case s == http.StatusTooManyRequests:
		say("The API is rate limiting this credential.")
	case s == http.StatusServiceUnavailable:
		msg := "The service is unavailable for now; this is usually transient."
		if write {
			msg += " It declined the request before doing any work, so nothing was changed."
		}
		say(msg)
	case s >= 500:
		msg := "The server failed to handle the request."
		if s == http.StatusBadGateway || s == http.StatusGatewayTimeout {
			msg = "The server, or a gateway in front of it, failed; this is usually transient."
		}
		say(msg)
	case s >= 200 && s < 300:
		say("The answer could not be read as the API's JSON.")
	case (s == http.StatusBadRequest || s == http.StatusUnprocessableEntity) && len(e.Items) == 0 && e.Excerpt == "":
		say("The API rejected the request without saying why.")
	}
	r.explainBody(e)
}

// explainBody says what was wrong with a body that was not an envelope.
func (r *Report) explainBody(e *api.Error) {
	if len(e.Items) > 0 {
		return
	}
	low := strings.ToLower(e.Excerpt)
	switch {
	case e.Excerpt != "" && (strings.Contains(low, "<html") || strings.Contains(low, "<!doctype") || strings.Contains(low, "<body") || strings.Contains(low, "<head")):
		r.Explain = append(r.Explain, "The answer was an HTML page, not the API's JSON: the base URL may point at a proxy, "+
			"a login page or another service. Check the base URL.")
	case e.Excerpt != "":
		// The client keeps only an HTML page's title or text, so a page and
		// plain text look alike here: say what fits both.
		r.Explain = append(r.Explain, "The answer was not the API's JSON but a page or text, as a proxy, "+
			"a login page or another service would send. Check the base URL.")
	case e.Status >= 400 || e.Status >= 200 && e.Status < 300 && errors.Is(e, api.ErrBadResponse):
		r.Explain = append(r.Explain, "The answer had an empty body, with nothing to explain it.")
	}
}

func entities(n int) string {
	if n == 1 {
		return "1 entity"
	}
	return text.GroupDigits(int64(n)) + " entities"
}

func retryText(e *api.Error) string {
	retriable := e.Status == http.StatusTooManyRequests || e.Status >= 500 || errors.Is(e, api.ErrNetwork)
	if !retriable {
		return ""
	}
	var parts []string
	if e.Attempts > 1 {
		parts = append(parts, fmt.Sprintf("Gave up after %d attempts.", e.Attempts))
	} else if e.Attempts == 1 {
		parts = append(parts, "Sent once, not retried.")
	}
	if e.RetryAfter > 0 {
		parts = append(parts, fmt.Sprintf("The server asked to wait %s before retrying.", e.RetryAfter.Round(time.Second)))
	}
	return strings.Join(parts, " ")
}

func statusTitle(s int) string {
	if t := http.StatusText(s); t != "" {
		return fmt.Sprintf("%d %s", s, t)
	}
	return fmt.Sprintf("HTTP %d", s)
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// hostOf finds the host a network error was about.
func hostOf(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil && u.Host != "" {
			return termtext.Sanitize(u.Host)
		}
	}
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Addr != nil {
		return termtext.Sanitize(oe.Addr.String())
	}
	return ""
}

// Lines is the report as plain text lines, for copying and logs.
func (r Report) Lines() []string {
	var out []string
	head := r.Title
	if r.Request != "" {
		head += " — " + r.Request
	}
	out = append(out, termtext.Sanitize(head))
	for _, it := range r.Items {
		out = append(out, termtext.Sanitize(it.String()))
	}
	if r.Excerpt != "" {
		out = append(out, "Answer: "+quote(r.Excerpt))
	}
	for _, s := range r.Explain {
		out = append(out, termtext.Sanitize(s))
	}
	if r.Cause != "" {
		out = append(out, "Cause: "+termtext.Sanitize(r.Cause))
	}
	if r.Retry != "" {
		out = append(out, r.Retry)
	}
	if r.Warning != "" {
		out = append(out, r.Warning)
	}
	return out
}

func quote(s string) string {
	return "“" + termtext.Sanitize(strings.Join(strings.Fields(s), " ")) + "”"
}

// Summary is one line for the error log's list: status or failure, request,
// first item or explanation.
func (r Report) Summary() string {
	var parts []string
	if r.Request != "" {
		parts = append(parts, r.Request)
	}
	switch {
	case len(r.Items) > 0:
		parts = append(parts, r.Items[0].String())
	case len(r.Explain) > 0:
		parts = append(parts, r.Explain[0])
	}
	return termtext.Sanitize(strings.Join(parts, "  "))
}
