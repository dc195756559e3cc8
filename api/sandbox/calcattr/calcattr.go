// Package calcattr is the sandbox's Calculated Attributes v2 API.
//
// It is one pure function, Serve, over one value, Book: every calculated
// attribute of one workspace. The HTTP layer (token, workspace lookup,
// read-only credentials, locking, persistence, CORS and OPTIONS preflight)
// belongs to the caller; Serve answers everything else and reports whether
// it changed the book. A Book is plain exported data, so the caller persists
// it with encoding/json. Ids are per book, start above the seed's highest id
// and are never reused (NextID only grows).
//
// # Answers
//
//   - GET list / one / activation / calculation: 200 with bare JSON (no
//     envelope). POST create: 201 with the new id as a bare integer. PUT,
//     DELETE, activation POST and draft DELETE: 204, empty body. HEAD on the
//     collection: 204 when a calculated attribute matches, else 404; HEAD
//     elsewhere answers the GET status with no body.
//   - Every failure but HEAD has the body {"errors":[{"code","message"}]}:
//     validation and activation errors are 400 with code VALIDATION_ERROR;
//     an empty, malformed or non-object body is 400 with code BAD_REQUEST
//     and the messages of every other sandbox endpoint (jsonbody.Parse); an
//     unknown calculated attribute or sub-path is 404 with code NOT_FOUND; a
//     method the path does not serve is 405 with code METHOD_NOT_ALLOWED and
//     Result.Allow for the Allow header.
//   - A body may carry several errors: at most one per part (name,
//     description, draft_definition's recipe_type, datapoint, conditions,
//     calculation_type, time_period, seeding), in that order.
//   - Timestamps written by the sandbox: created_on and last_modified_on
//     without zone and with milliseconds (2019-12-06T15:04:22.043, as in the
//     reference); activated_on and estimated_completion_time in UTC with Z
//     (2020-02-18T19:24:50.426Z). Seeded timestamps are echoed verbatim.
//   - The 'time_period.date' message fills {date} as 2006-01-02T15:04:05
//     (the form of the reference's date example).
//   - Activation limit: Env.ActiveLimit <= 0 means no limit; re-activating
//     a calculated attribute that is already active does not count against
//     it. The draft check comes first: one without a draft gets "No draft
//     definition…".
//   - Discarding the draft of a calculated attribute that has none is a 204
//     that changes nothing.
//
// The messages the sandbox adds where the reference gives none, and the
// decisions on the reference's inconsistencies, are listed in docs/sandbox.md
// and docs/inconsistencies.md.
package calcattr

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/api/sandbox/internal/jsonbody"
)

// Error codes of the answers that are not validation errors: the sandbox's
// own, one per status, as on every other endpoint.
const (
	codeBadRequest       = "BAD_REQUEST"
	codeNotFound         = "NOT_FOUND"
	codeMethodNotAllowed = "METHOD_NOT_ALLOWED"
)

// calcDuration is how long the sandbox's calculation of a CA takes after
// each activation (docs/inconsistencies.md: activation and calculation status).
const calcDuration = 60 * time.Second

// Timestamp layouts the sandbox writes.
const (
	activatedLayout = "2006-01-02T15:04:05.000Z07:00" // activated_on, estimated_completion_time (UTC → "Z")
	earliestLayout  = "2006-01-02T15:04:05"           // {date} in the earliest-date message
)

// Book holds every CA of one workspace, sorted by id.
type Book struct {
	NextID int64     `json:"next_id"` // the id the next created CA gets
	Items  []*Record `json:"items"`
}

// View is a CA object exactly as the API shows it.
type View struct {
	ID               int64       `json:"id"`
	Name             string      `json:"name"`
	Description      string      `json:"description"`
	CreatedBy        string      `json:"created_by"`
	CreatedOn        string      `json:"created_on"`
	LastModifiedOn   string      `json:"last_modified_on"`
	LastModifiedBy   string      `json:"last_modified_by"`
	ActiveDefinition *Definition `json:"active_definition"`
	DraftDefinition  *Definition `json:"draft_definition"`
	AudienceCount    int         `json:"audience_count"`
	ActivatedOn      *string     `json:"activated_on"`
	ActivatedBy      *string     `json:"activated_by"`
}

// Record is a stored CA: the API object plus the sandbox's bookkeeping.
type Record struct {
	View
	Revision int64 `json:"revision"` // activations so far: the calculation's revision_id
}

// Definition is a draft or active definition in canonical form.
type Definition struct {
	RecipeType      string      `json:"recipe_type"`
	DataPoint       DataPoint   `json:"datapoint"`
	Conditions      []Condition `json:"conditions"` // nil → null, empty → [] (echoed as sent)
	CalculationType string      `json:"calculation_type"`
	TimePeriod      TimePeriod  `json:"time_period"`
	Seeding         *Seeding    `json:"seeding"`
}

// DataPoint is the data point a definition counts.
type DataPoint struct {
	Type               string  `json:"type"`
	EventName          *string `json:"event_name"`
	AttributeName      *string `json:"attribute_name"`
	EventType          string  `json:"event_type"`
	CustomEventType    *string `json:"custom_event_type"`
	AttributeCategory  *string `json:"attribute_category"`
	UseProductQuantity bool    `json:"use_product_quantity"`
}

// Condition is one condition of a definition.
type Condition struct {
	Type          string   `json:"type"`
	Operator      string   `json:"operator"`
	AttributeName string   `json:"attribute_name"`
	Value         *string  `json:"value"`
	Values        []string `json:"values"`
	MinValue      *string  `json:"min_value"`
	MaxValue      *string  `json:"max_value"`
}

// TimePeriod is the window a definition covers.
type TimePeriod struct {
	Type       string  `json:"type"`
	Date       *string `json:"date"`
	Within     *int64  `json:"within"`
	WithinUnit *string `json:"within_unit"`
}

// Seeding is a definition's seeding cut-off.
type Seeding struct {
	CutoffDate string `json:"cutoff_date"`
}

// Env is what Serve needs to know about the request beyond its bytes.
type Env struct {
	Now             time.Time
	User            string    // who is writing: created_by, last_modified_by, activated_by
	ActiveInAccount int       // active CAs in the whole account (all workspaces)
	ActiveLimit     int       // per-account active-CA limit; <= 0 means none
	RetentionDays   int       // retention for the `within` check; <= 0 means none
	EarliestDate    time.Time // earliest allowed time_period.date; zero means none
}

// Result is Serve's answer.
type Result struct {
	Status  int
	Body    []byte // bare JSON, or nil for an empty body
	Changed bool   // the book was modified and must be persisted
	Allow   string // for a 405: the methods the path serves, for the Allow header
}

// NewBook returns an empty book.
func NewBook() *Book { return &Book{NextID: 1, Items: []*Record{}} }

// ActiveCount is the number of active CAs in the book.
func (b *Book) ActiveCount() int {
	n := 0
	for _, r := range b.Items {
		if r.ActiveDefinition != nil {
			n++
		}
	}
	return n
}

// find returns the CA with the id, or nil.
func (b *Book) find(id int64) *Record {
	i, ok := slices.BinarySearchFunc(b.Items, id, func(r *Record, id int64) int { return cmp.Compare(r.ID, id) })
	if !ok {
		return nil
	}
	return b.Items[i]
}

// byName returns the first CA (by id) with exactly this name, other than
// the one with id skip, or nil.
func (b *Book) byName(name string, skip int64) *Record {
	for _, r := range b.Items {
		if r.Name == name && r.ID != skip {
			return r
		}
	}
	return nil
}

// nextID returns a fresh id and advances NextID; it stays above every id in
// the book even when NextID was not persisted.
func (b *Book) nextID() int64 {
	id := b.NextID
	if n := len(b.Items); n > 0 && b.Items[n-1].ID >= id {
		id = b.Items[n-1].ID + 1
	}
	if id < 1 {
		id = 1
	}
	b.NextID = id + 1
	return id
}

// LoadSeed builds a book from CA objects as the API shows them.
// Definitions may use datapoint or data_point and may have time_period type
// all (docs/inconsistencies.md: datapoint vs data_point; time_period type all). Missing timestamps default to now; a CA with an
// active definition and no activated_on counts as activated now (so its
// calculation shows progress). An id must be a positive integer, unique, and
// names unique.
func LoadSeed(items []json.RawMessage, now time.Time) (*Book, error) {
	b := NewBook()
	seenName := map[string]bool{}
	for i, raw := range items {
		r, err := parseSeedItem(raw, now)
		if err != nil {
			return nil, fmt.Errorf("calculated attribute seed item %d: %w", i, err)
		}
		if b.find(r.ID) != nil {
			return nil, fmt.Errorf("calculated attribute seed item %d: duplicate id %d", i, r.ID)
		}
		if seenName[r.Name] {
			return nil, fmt.Errorf("calculated attribute seed item %d: duplicate name %q", i, r.Name)
		}
		seenName[r.Name] = true
		at, _ := slices.BinarySearchFunc(b.Items, r.ID, func(x *Record, id int64) int { return cmp.Compare(x.ID, id) })
		b.Items = slices.Insert(b.Items, at, r)
		if r.ID >= b.NextID {
			b.NextID = r.ID + 1
		}
	}
	return b, nil
}

// parseSeedItem decodes one seeded CA object.
func parseSeedItem(raw json.RawMessage, now time.Time) (*Record, error) {
	o, ok := jsonObject(raw)
	if !ok {
		return nil, errors.New("not a JSON object")
	}
	var id api.ID
	if v, ok := o["id"]; ok {
		if err := json.Unmarshal(v, &id); err != nil {
			return nil, err
		}
	}
	n, ok := id.Int()
	if !ok || n < 1 {
		return nil, fmt.Errorf("id %q is not a positive integer", id)
	}
	r := &Record{View: View{ID: n}}
	strField := func(key string, dst *string, required, isTime bool) error {
		v, present := jsonField(o, key)
		if !present {
			if required {
				return fmt.Errorf("field %q is required", key)
			}
			return nil
		}
		s, ok := jsonString(v)
		if !ok {
			return fmt.Errorf("field %q must be a string", key)
		}
		if isTime {
			if _, err := api.ParseTime(s); err != nil {
				return fmt.Errorf("field %q: %w", key, err)
			}
		}
		*dst = s
		return nil
	}
	for _, f := range []struct {
		key              string
		dst              *string
		required, isTime bool
	}{
		{"name", &r.Name, true, false},
		{"description", &r.Description, false, false},
		{"created_by", &r.CreatedBy, false, false},
		{"created_on", &r.CreatedOn, false, true},
		{"last_modified_by", &r.LastModifiedBy, false, false},
		{"last_modified_on", &r.LastModifiedOn, false, true},
	} {
		if err := strField(f.key, f.dst, f.required, f.isTime); err != nil {
			return nil, err
		}
	}
	if r.Name == "" {
		return nil, errors.New(`field "name" is required`)
	}
	if r.CreatedOn == "" {
		r.CreatedOn = api.FormatTime(now)
	}
	if r.LastModifiedOn == "" {
		r.LastModifiedOn = r.CreatedOn
	}
	if r.LastModifiedBy == "" {
		r.LastModifiedBy = r.CreatedBy
	}
	for _, d := range []struct {
		key string
		dst **Definition
	}{{"active_definition", &r.ActiveDefinition}, {"draft_definition", &r.DraftDefinition}} {
		v, present := jsonField(o, d.key)
		if !present {
			continue
		}
		def, msgs := parseDefinition(v, d.key, Env{}, false)
		if len(msgs) > 0 {
			return nil, fmt.Errorf("%s: %s", d.key, strings.Join(msgs, "; "))
		}
		*d.dst = def
	}
	if v, present := jsonField(o, "audience_count"); present {
		c, ok := jsonInt(v)
		if !ok || c < 0 || c > 1<<31-1 {
			return nil, errors.New(`field "audience_count" must be a non-negative integer`)
		}
		r.AudienceCount = int(c)
	}
	var on, by string
	if err := strField("activated_on", &on, false, true); err != nil {
		return nil, err
	}
	if err := strField("activated_by", &by, false, false); err != nil {
		return nil, err
	}
	if r.ActiveDefinition != nil {
		if on == "" {
			on = now.UTC().Format(activatedLayout)
		}
		r.Revision = 1
	}
	if on != "" {
		if by == "" {
			by = r.CreatedBy
		}
		r.ActivatedOn, r.ActivatedBy = &on, &by
	}
	return r, nil
}

// route is the kind of path below .../calculatedattributes.
type route int

const (
	routeCollection route = iota
	routeItem
	routeActivation
	routeDraft
	routeCalculation
)

// allowed lists the methods each route serves, in Allow-header order.
var allowed = [...][]string{
	routeCollection:  {http.MethodGet, http.MethodHead, http.MethodPost},
	routeItem:        {http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete},
	routeActivation:  {http.MethodGet, http.MethodHead, http.MethodPost},
	routeDraft:       {http.MethodDelete},
	routeCalculation: {http.MethodGet, http.MethodHead},
}

// parsePath splits rest into a route and a CA id (0 when the id segment is
// not a positive decimal integer: such a CA does not exist).
func parsePath(rest string) (route, int64, bool) {
	if rest == "" || rest == "/" {
		return routeCollection, 0, true
	}
	if !strings.HasPrefix(rest, "/") {
		return 0, 0, false
	}
	segs := strings.Split(strings.TrimSuffix(rest[1:], "/"), "/")
	var id int64
	if s := segs[0]; s != "" && strings.Trim(s, "0123456789") == "" {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
			id = n
		}
	} else if s == "" {
		return 0, 0, false
	}
	switch {
	case len(segs) == 1:
		return routeItem, id, true
	case len(segs) != 2:
		return 0, 0, false
	case segs[1] == "activation":
		return routeActivation, id, true
	case segs[1] == "draft":
		return routeDraft, id, true
	case segs[1] == "calculation":
		return routeCalculation, id, true
	}
	return 0, 0, false
}

// Serve handles one v2 request. rest is the path after
// ".../calculatedattributes": "" | "/5678" | "/5678/activation" |
// "/5678/draft" | "/5678/calculation". It mutates book only when it returns
// Changed; the caller holds the lock and persists.
func Serve(book *Book, env Env, method, rest string, query url.Values, body []byte) Result {
	res := serve(book, env, method, rest, query, body)
	if method == http.MethodHead {
		res.Body = nil // a HEAD answer never has a body, whatever its status
	}
	return res
}

func serve(book *Book, env Env, method, rest string, query url.Values, body []byte) Result {
	route, id, ok := parsePath(rest)
	if !ok {
		return fail(http.StatusNotFound, codeNotFound, "No such calculated attributes endpoint.")
	}
	if !slices.Contains(allowed[route], method) {
		res := fail(http.StatusMethodNotAllowed, codeMethodNotAllowed, methodMessage(method))
		res.Allow = strings.Join(allowed[route], ", ")
		return res
	}
	if route == routeCollection {
		switch method {
		case http.MethodPost:
			return create(book, env, body)
		case http.MethodHead:
			if len(filterByName(book, query)) > 0 {
				return Result{Status: http.StatusNoContent}
			}
			return Result{Status: http.StatusNotFound}
		default:
			return jsonResult(http.StatusOK, views(filterByName(book, query)))
		}
	}
	r := book.find(id)
	if r == nil {
		return fail(http.StatusNotFound, codeNotFound, "Calculated attribute not found.")
	}
	var res Result
	switch route {
	case routeItem:
		switch method {
		case http.MethodPut:
			return update(book, r, env, body)
		case http.MethodDelete:
			i := slices.Index(book.Items, r)
			book.Items = slices.Delete(book.Items, i, i+1)
			return Result{Status: http.StatusNoContent, Changed: true}
		}
		res = jsonResult(http.StatusOK, r.View)
	case routeActivation:
		if method == http.MethodPost {
			return activate(r, env)
		}
		res = jsonResult(http.StatusOK, activationView{
			ID: r.ID, IsActive: r.ActiveDefinition != nil, ActivatedOn: r.ActivatedOn, ActivatedBy: r.ActivatedBy,
		})
	case routeDraft:
		if r.DraftDefinition == nil {
			return Result{Status: http.StatusNoContent}
		}
		r.DraftDefinition = nil
		r.touch(env)
		return Result{Status: http.StatusNoContent, Changed: true}
	case routeCalculation:
		res = jsonResult(http.StatusOK, calculation(r, env.Now))
	}
	return res
}

// methodMessage names the method in the 405 message when it is a plain
// word, and keeps any other token out of it.
func methodMessage(m string) string {
	if m == "" || len(m) > 16 || strings.IndexFunc(m, func(c rune) bool { return (c < 'A' || c > 'Z') && (c < 'a' || c > 'z') }) >= 0 {
		return "This method is not allowed here."
	}
	return "Method " + m + " is not allowed here."
}

// filterByName applies the name filter (docs/inconsistencies.md: name filter).
func filterByName(book *Book, query url.Values) []*Record {
	if !query.Has("name") {
		return book.Items
	}
	name := query.Get("name")
	var out []*Record
	for _, r := range book.Items {
		if r.Name == name {
			out = append(out, r)
		}
	}
	return out
}

func views(rs []*Record) []View {
	out := make([]View, 0, len(rs))
	for _, r := range rs {
		out = append(out, r.View)
	}
	return out
}

// activationView is the activation status.
type activationView struct {
	ID          int64   `json:"calculated_attribute_id"`
	IsActive    bool    `json:"is_active"`
	ActivatedOn *string `json:"activated_on"`
	ActivatedBy *string `json:"activated_by"`
}

// calculationView is the calculation status.
type calculationView struct {
	ID                  int64   `json:"id"`
	Name                string  `json:"name"`
	RevisionID          int64   `json:"revision_id"`
	IsCalculated        bool    `json:"is_calculated"`
	PercentComplete     int     `json:"calculation_percent_complete"`
	EstimatedCompletion *string `json:"estimated_completion_time"`
}

// calculation derives the calculation status from the time since the
// last activation (docs/inconsistencies.md: activation and calculation status).
func calculation(r *Record, now time.Time) calculationView {
	v := calculationView{ID: r.ID, Name: r.Name, RevisionID: r.Revision}
	if r.ActivatedOn == nil || r.ActiveDefinition == nil {
		return v
	}
	start, err := api.ParseTime(*r.ActivatedOn)
	if err != nil { // not written by the sandbox nor accepted from the seed; count it as done
		v.IsCalculated, v.PercentComplete = true, 100
		return v
	}
	end := start.Add(calcDuration)
	est := end.UTC().Format(activatedLayout)
	v.EstimatedCompletion = &est
	elapsed := now.Sub(start)
	switch {
	case elapsed >= calcDuration:
		v.PercentComplete = 100
	case elapsed > 0:
		v.PercentComplete = int(elapsed * 100 / calcDuration)
	}
	v.IsCalculated = v.PercentComplete == 100
	return v
}

// touch records a modification.
func (r *Record) touch(env Env) {
	r.LastModifiedOn = api.FormatTime(env.Now)
	r.LastModifiedBy = env.User
}

// activate moves the draft into the active definition (docs/inconsistencies.md: activation moves the draft).
func activate(r *Record, env Env) Result {
	if r.DraftDefinition == nil {
		return invalid([]string{"No draft definition was found to activate."})
	}
	if r.ActiveDefinition == nil && env.ActiveLimit > 0 && env.ActiveInAccount >= env.ActiveLimit {
		return invalid([]string{"You have reached the account limit on active calculated attributes."})
	}
	on := env.Now.UTC().Format(activatedLayout)
	by := env.User
	r.ActiveDefinition, r.DraftDefinition = r.DraftDefinition, nil
	r.ActivatedOn, r.ActivatedBy = &on, &by
	r.Revision++
	r.touch(env)
	return Result{Status: http.StatusNoContent, Changed: true}
}

// create handles POST on the collection.
func create(book *Book, env Env, body []byte) Result {
	o, fail := objectBody(body)
	if fail != nil {
		return *fail
	}
	var msgs []string
	name, ok := nameField(o)
	if !ok {
		msgs = append(msgs, "Field 'name' is required.")
	} else if book.byName(name, 0) != nil {
		msgs = append(msgs, "Field 'name' must be unique.")
	}
	desc, _, msg := descriptionField(o)
	msgs = appendMsg(msgs, msg)
	var def *Definition
	if v, present := jsonField(o, "draft_definition"); !present {
		msgs = append(msgs, "Field 'draft_definition' is required.")
	} else {
		var dm []string
		def, dm = parseDefinition(v, "draft_definition", env, true)
		msgs = append(msgs, dm...)
	}
	if len(msgs) > 0 {
		return invalid(msgs)
	}
	now := api.FormatTime(env.Now)
	r := &Record{View: View{
		ID: book.nextID(), Name: name, Description: desc,
		CreatedBy: env.User, CreatedOn: now, LastModifiedBy: env.User, LastModifiedOn: now,
		DraftDefinition: def,
	}}
	book.Items = append(book.Items, r) // the new id is the highest
	res := jsonResult(http.StatusCreated, r.ID)
	res.Changed = true
	return res
}

// update handles PUT on one CA (docs/inconsistencies.md: PUT merges).
func update(book *Book, r *Record, env Env, body []byte) Result {
	o, fail := objectBody(body)
	if fail != nil {
		return *fail
	}
	var msgs []string
	name, nameGiven := r.Name, false
	if _, present := o["name"]; present {
		n, ok := nameField(o)
		switch {
		case !ok:
			msgs = append(msgs, "Field 'name' is required.")
		case n == r.Name:
		case r.ActivatedOn != nil:
			msgs = append(msgs, "Calculated attribute name cannot be changed once the calculated attribute has been activated.")
		case book.byName(n, r.ID) != nil:
			msgs = append(msgs, "Field 'name' must be unique.")
		default:
			name, nameGiven = n, true
		}
	}
	desc, descGiven, msg := descriptionField(o)
	msgs = appendMsg(msgs, msg)
	var def *Definition
	v, defGiven := o["draft_definition"]
	if defGiven {
		if !isJSONNull(v) {
			var dm []string
			def, dm = parseDefinition(v, "draft_definition", env, true)
			msgs = append(msgs, dm...)
		} else {
			msgs = append(msgs, "Field 'draft_definition' is required.")
		}
	}
	if len(msgs) > 0 {
		return invalid(msgs)
	}
	if nameGiven {
		r.Name = name
	}
	if descGiven {
		r.Description = desc
	}
	if defGiven {
		r.DraftDefinition = def
	}
	r.touch(env)
	return Result{Status: http.StatusNoContent, Changed: true}
}

// objectBody decodes a create or update body into a JSON object. A body that is
// empty, not JSON or not an object is refused as everywhere in the sandbox
// (parseBody): 400 BAD_REQUEST.
func objectBody(body []byte) (map[string]json.RawMessage, *Result) {
	raw, err := jsonbody.Parse(body)
	if err != nil {
		f := fail(http.StatusBadRequest, codeBadRequest, err.Error())
		return nil, &f
	}
	o, ok := jsonObject(raw)
	if !ok {
		f := fail(http.StatusBadRequest, codeBadRequest, "Request body must be a JSON object.")
		return nil, &f
	}
	return o, nil
}

// nameField reads a usable name: a string that is not blank.
func nameField(o map[string]json.RawMessage) (string, bool) {
	v, present := jsonField(o, "name")
	if !present {
		return "", false
	}
	s, ok := jsonString(v)
	if !ok || strings.TrimSpace(s) == "" {
		return "", false
	}
	return s, true
}

// descriptionField reads the optional description: its value, whether it was
// given (not absent, not null), and an error message.
func descriptionField(o map[string]json.RawMessage) (string, bool, string) {
	v, present := jsonField(o, "description")
	if !present {
		return "", false, ""
	}
	s, ok := jsonString(v)
	if !ok {
		return "", false, "Field 'description' must be a string."
	}
	return s, true, ""
}

func appendMsg(msgs []string, msg string) []string {
	if msg == "" {
		return msgs
	}
	return append(msgs, msg)
}

// errorBody is the v2 error body (docs/inconsistencies.md: status per message).
type errorBody struct {
	Errors []api.ErrorItem `json:"errors"`
}

func invalid(msgs []string) Result {
	items := make([]api.ErrorItem, len(msgs))
	for i, m := range msgs {
		items[i] = api.ErrorItem{Code: api.CodeValidation, Message: m}
	}
	return jsonResult(http.StatusBadRequest, errorBody{Errors: items})
}

func fail(status int, code, msg string) Result {
	return jsonResult(status, errorBody{Errors: []api.ErrorItem{{Code: code, Message: msg}}})
}

// jsonResult encodes v as the body. The values Serve encodes (structs of
// strings, integers, booleans and slices of them) cannot fail to encode.
func jsonResult(status int, v any) Result {
	b, err := json.Marshal(v)
	if err != nil {
		return Result{Status: http.StatusInternalServerError,
			Body: []byte(`{"errors":[{"code":"INTERNAL_ERROR","message":"The sandbox could not encode its answer."}]}`)}
	}
	return Result{Status: status, Body: b}
}
