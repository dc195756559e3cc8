// Calculated Attributes v2 (platform-api.md §9) in the sandbox.
//
// The CA part of the sandbox is one pure function, serveCA, over one value,
// caBook: every CA of one workspace. The HTTP layer (token, workspace lookup,
// read-only credentials, locking, persistence, CORS and OPTIONS preflight)
// belongs to the caller; serveCA answers everything else and reports whether
// it changed the book. A caBook is plain exported data, so the store persists
// it with encoding/json. Ids are per book, start above the seed's highest id
// and are never reused (NextID only grows).
//
// # Answers
//
//   - GET list / one / activation / calculation: 200 with bare JSON (no
//     envelope). POST create: 201 with the new id as a bare integer. PUT,
//     DELETE, activation POST and draft DELETE: 204, empty body. HEAD on the
//     collection: 204 when a CA matches, else 404; HEAD elsewhere answers
//     the GET status with no body.
//   - Every failure but HEAD has the body {"errors":[{"code","message"}]}:
//     validation and activation errors are 400 with code VALIDATION_ERROR
//     (§16 item 31); an empty, malformed or non-object body is 400 with code
//     BAD_REQUEST and the sandbox's usual messages (parseBody); an unknown CA
//     or sub-path is 404 with code NOT_FOUND; a method the path does not
//     serve is 405 with code METHOD_NOT_ALLOWED and caResult.Allow for the
//     Allow header.
//   - A body may carry several errors: at most one per part (name,
//     description, draft_definition's recipe_type, datapoint, conditions,
//     calculation_type, time_period, seeding), in that order.
//   - Timestamps written by the sandbox: created_on and last_modified_on
//     without zone and with milliseconds (2019-12-06T15:04:22.043, as in the
//     reference); activated_on and estimated_completion_time in UTC with Z
//     (2020-02-18T19:24:50.426Z). Seeded timestamps are echoed verbatim.
//   - The 'time_period.date' message fills {date} as 2006-01-02T15:04:05
//     (the form of the reference's date example).
//   - Activation limit: caEnv.ActiveLimit <= 0 means no limit; re-activating
//     a CA that is already active does not count against it. The draft check
//     comes first: a CA without a draft gets "No draft definition…".
//   - Discarding the draft of a CA that has none is a 204 that changes
//     nothing.
//
// Messages the reference does not give (each in the reference's own style):
// `Field 'X' must be a string.` (and `…must be a boolean.`, `…must be an
// object.`, `…must be a date.`), `Field 'draft_definition.datapoint' is
// required.`, `Field 'draft_definition.datapoint.event_type' is required.`,
// `Field 'draft_definition.datapoint.event_name' is required.` (data point
// type event_attribute), `Field 'draft_definition.datapoint.attribute_name'
// is required.` (types event_attribute and user_attribute), `Invalid data
// point type`, `Invalid data point attribute category`, `Field
// 'draft_definition.datapoint.use_product_quantity' requires a product or
// promotion attribute category.`, `Field
// 'draft_definition.seeding.cutoff_date' is required.`, `Calculated attribute
// not found.`, `No such calculated attributes endpoint.` and `Method M is not
// allowed here.` (`This method is not allowed here.` for a method that is not
// a plain word).
//
// The decisions on the reference's inconsistencies (§16.7, items 41–54) are
// listed in docs/inconsistencies.md.

package sandbox

import (
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
)

// caCalcDuration is how long the sandbox's calculation of a CA takes after
// each activation (decision 52).
const caCalcDuration = 60 * time.Second

// Timestamp layouts the sandbox writes.
const (
	caActivatedLayout = "2006-01-02T15:04:05.000Z07:00" // activated_on, estimated_completion_time (UTC → "Z")
	caEarliestLayout  = "2006-01-02T15:04:05"           // {date} in the earliest-date message
)

// caBook holds every CA of one workspace, sorted by id.
type caBook struct {
	NextID int64       `json:"next_id"` // the id the next created CA gets
	Items  []*caRecord `json:"items"`
}

// caView is a CA object exactly as the API shows it (§9.0).
type caView struct {
	ID               int64         `json:"id"`
	Name             string        `json:"name"`
	Description      string        `json:"description"`
	CreatedBy        string        `json:"created_by"`
	CreatedOn        string        `json:"created_on"`
	LastModifiedOn   string        `json:"last_modified_on"`
	LastModifiedBy   string        `json:"last_modified_by"`
	ActiveDefinition *caDefinition `json:"active_definition"`
	DraftDefinition  *caDefinition `json:"draft_definition"`
	AudienceCount    int           `json:"audience_count"`
	ActivatedOn      *string       `json:"activated_on"`
	ActivatedBy      *string       `json:"activated_by"`
}

// caRecord is a stored CA: the API object plus the sandbox's bookkeeping.
type caRecord struct {
	caView
	Revision int64 `json:"revision"` // activations so far: the calculation's revision_id
}

// caDefinition is a draft or active definition in canonical form.
type caDefinition struct {
	RecipeType      string        `json:"recipe_type"`
	DataPoint       caDataPoint   `json:"datapoint"`
	Conditions      []caCondition `json:"conditions"` // nil → null, empty → [] (echoed as sent)
	CalculationType string        `json:"calculation_type"`
	TimePeriod      caTimePeriod  `json:"time_period"`
	Seeding         *caSeeding    `json:"seeding"`
}

// caDataPoint is the data point a definition counts.
type caDataPoint struct {
	Type               string  `json:"type"`
	EventName          *string `json:"event_name"`
	AttributeName      *string `json:"attribute_name"`
	EventType          string  `json:"event_type"`
	CustomEventType    *string `json:"custom_event_type"`
	AttributeCategory  *string `json:"attribute_category"`
	UseProductQuantity bool    `json:"use_product_quantity"`
}

// caCondition is one condition of a definition.
type caCondition struct {
	Type          string   `json:"type"`
	Operator      string   `json:"operator"`
	AttributeName string   `json:"attribute_name"`
	Value         *string  `json:"value"`
	Values        []string `json:"values"`
	MinValue      *string  `json:"min_value"`
	MaxValue      *string  `json:"max_value"`
}

// caTimePeriod is the window a definition covers.
type caTimePeriod struct {
	Type       string  `json:"type"`
	Date       *string `json:"date"`
	Within     *int64  `json:"within"`
	WithinUnit *string `json:"within_unit"`
}

// caSeeding is a definition's seeding cut-off.
type caSeeding struct {
	CutoffDate string `json:"cutoff_date"`
}

// caEnv is what serveCA needs to know about the request beyond its bytes.
type caEnv struct {
	Now             time.Time
	User            string    // who is writing: created_by, last_modified_by, activated_by
	ActiveInAccount int       // active CAs in the whole account (all workspaces)
	ActiveLimit     int       // per-account active-CA limit; <= 0 means none
	RetentionDays   int       // retention for the `within` check; <= 0 means none
	EarliestDate    time.Time // earliest allowed time_period.date; zero means none
}

// caResult is serveCA's answer.
type caResult struct {
	Status  int
	Body    []byte // bare JSON, or nil for an empty body
	Changed bool   // the book was modified and must be persisted
	Allow   string // for a 405: the methods the path serves, for the Allow header
}

// newCABook returns an empty book.
func newCABook() *caBook { return &caBook{NextID: 1, Items: []*caRecord{}} }

// activeCount is the number of active CAs in the book.
func (b *caBook) activeCount() int {
	n := 0
	for _, r := range b.Items {
		if r.ActiveDefinition != nil {
			n++
		}
	}
	return n
}

// find returns the CA with the id, or nil.
func (b *caBook) find(id int64) *caRecord {
	i, ok := slices.BinarySearchFunc(b.Items, id, func(r *caRecord, id int64) int { return cmpInt64(r.ID, id) })
	if !ok {
		return nil
	}
	return b.Items[i]
}

// byName returns the first CA (by id) with exactly this name, other than
// the one with id skip, or nil.
func (b *caBook) byName(name string, skip int64) *caRecord {
	for _, r := range b.Items {
		if r.Name == name && r.ID != skip {
			return r
		}
	}
	return nil
}

// nextID returns a fresh id and advances NextID; it stays above every id in
// the book even when NextID was not persisted.
func (b *caBook) nextID() int64 {
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

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// loadCASeed builds a book from CA objects as the API shows them (§9.0).
// Definitions may use datapoint or data_point and may have time_period type
// all (decisions 41, 42). Missing timestamps default to now; a CA with an
// active definition and no activated_on counts as activated now (so its
// calculation shows progress). An id must be a positive integer, unique, and
// names unique.
func loadCASeed(items []json.RawMessage, now time.Time) (*caBook, error) {
	b := newCABook()
	seenName := map[string]bool{}
	for i, raw := range items {
		r, err := parseSeedCA(raw, now)
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
		at, _ := slices.BinarySearchFunc(b.Items, r.ID, func(x *caRecord, id int64) int { return cmpInt64(x.ID, id) })
		b.Items = slices.Insert(b.Items, at, r)
		if r.ID >= b.NextID {
			b.NextID = r.ID + 1
		}
	}
	return b, nil
}

// parseSeedCA decodes one seeded CA object.
func parseSeedCA(raw json.RawMessage, now time.Time) (*caRecord, error) {
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
	r := &caRecord{caView: caView{ID: n}}
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
		dst **caDefinition
	}{{"active_definition", &r.ActiveDefinition}, {"draft_definition", &r.DraftDefinition}} {
		v, present := jsonField(o, d.key)
		if !present {
			continue
		}
		def, msgs := parseDefinition(v, d.key, caEnv{}, false)
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
			on = now.UTC().Format(caActivatedLayout)
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

// caRoute is the kind of path below .../calculatedattributes.
type caRoute int

const (
	caRouteCollection caRoute = iota
	caRouteItem
	caRouteActivation
	caRouteDraft
	caRouteCalculation
)

// caAllowed lists the methods each route serves, in Allow-header order.
var caAllowed = [...][]string{
	caRouteCollection:  {http.MethodGet, http.MethodHead, http.MethodPost},
	caRouteItem:        {http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete},
	caRouteActivation:  {http.MethodGet, http.MethodHead, http.MethodPost},
	caRouteDraft:       {http.MethodDelete},
	caRouteCalculation: {http.MethodGet, http.MethodHead},
}

// parseCAPath splits rest into a route and a CA id (0 when the id segment is
// not a positive decimal integer: such a CA does not exist).
func parseCAPath(rest string) (caRoute, int64, bool) {
	if rest == "" || rest == "/" {
		return caRouteCollection, 0, true
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
		return caRouteItem, id, true
	case len(segs) != 2:
		return 0, 0, false
	case segs[1] == "activation":
		return caRouteActivation, id, true
	case segs[1] == "draft":
		return caRouteDraft, id, true
	case segs[1] == "calculation":
		return caRouteCalculation, id, true
	}
	return 0, 0, false
}

// serveCA handles one v2 request. rest is the path after
// ".../calculatedattributes": "" | "/5678" | "/5678/activation" |
// "/5678/draft" | "/5678/calculation". It mutates book only when it returns
// Changed; the caller holds the lock and persists.
func serveCA(book *caBook, env caEnv, method, rest string, query url.Values, body []byte) caResult {
	res := caServe(book, env, method, rest, query, body)
	if method == http.MethodHead {
		res.Body = nil // a HEAD answer never has a body, whatever its status
	}
	return res
}

func caServe(book *caBook, env caEnv, method, rest string, query url.Values, body []byte) caResult {
	route, id, ok := parseCAPath(rest)
	if !ok {
		return caFail(http.StatusNotFound, "NOT_FOUND", "No such calculated attributes endpoint.")
	}
	if !slices.Contains(caAllowed[route], method) {
		res := caFail(http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", caMethodMessage(method))
		res.Allow = strings.Join(caAllowed[route], ", ")
		return res
	}
	if route == caRouteCollection {
		switch method {
		case http.MethodPost:
			return caCreate(book, env, body)
		case http.MethodHead:
			if len(caFilter(book, query)) > 0 {
				return caResult{Status: http.StatusNoContent}
			}
			return caResult{Status: http.StatusNotFound}
		default:
			return caJSON(http.StatusOK, caViews(caFilter(book, query)))
		}
	}
	r := book.find(id)
	if r == nil {
		return caFail(http.StatusNotFound, "NOT_FOUND", "Calculated attribute not found.")
	}
	var res caResult
	switch route {
	case caRouteItem:
		switch method {
		case http.MethodPut:
			return caUpdate(book, r, env, body)
		case http.MethodDelete:
			i := slices.Index(book.Items, r)
			book.Items = slices.Delete(book.Items, i, i+1)
			return caResult{Status: http.StatusNoContent, Changed: true}
		}
		res = caJSON(http.StatusOK, r.caView)
	case caRouteActivation:
		if method == http.MethodPost {
			return caActivate(r, env)
		}
		res = caJSON(http.StatusOK, caActivationView{
			ID: r.ID, IsActive: r.ActiveDefinition != nil, ActivatedOn: r.ActivatedOn, ActivatedBy: r.ActivatedBy,
		})
	case caRouteDraft:
		if r.DraftDefinition == nil {
			return caResult{Status: http.StatusNoContent}
		}
		r.DraftDefinition = nil
		r.touch(env)
		return caResult{Status: http.StatusNoContent, Changed: true}
	case caRouteCalculation:
		res = caJSON(http.StatusOK, caCalculation(r, env.Now))
	}
	return res
}

// caMethodMessage names the method in the 405 message when it is a plain
// word, and keeps any other token out of it.
func caMethodMessage(m string) string {
	if m == "" || len(m) > 16 || strings.IndexFunc(m, func(c rune) bool { return (c < 'A' || c > 'Z') && (c < 'a' || c > 'z') }) >= 0 {
		return "This method is not allowed here."
	}
	return "Method " + m + " is not allowed here."
}

// caFilter applies the name filter (decision 49).
func caFilter(book *caBook, query url.Values) []*caRecord {
	if !query.Has("name") {
		return book.Items
	}
	name := query.Get("name")
	var out []*caRecord
	for _, r := range book.Items {
		if r.Name == name {
			out = append(out, r)
		}
	}
	return out
}

func caViews(rs []*caRecord) []caView {
	out := make([]caView, 0, len(rs))
	for _, r := range rs {
		out = append(out, r.caView)
	}
	return out
}

// caActivationView is the activation status (§9.8).
type caActivationView struct {
	ID          int64   `json:"calculated_attribute_id"`
	IsActive    bool    `json:"is_active"`
	ActivatedOn *string `json:"activated_on"`
	ActivatedBy *string `json:"activated_by"`
}

// caCalculationView is the calculation status (§9.10).
type caCalculationView struct {
	ID                  int64   `json:"id"`
	Name                string  `json:"name"`
	RevisionID          int64   `json:"revision_id"`
	IsCalculated        bool    `json:"is_calculated"`
	PercentComplete     int     `json:"calculation_percent_complete"`
	EstimatedCompletion *string `json:"estimated_completion_time"`
}

// caCalculation derives the calculation status from the time since the
// last activation (decision 52).
func caCalculation(r *caRecord, now time.Time) caCalculationView {
	v := caCalculationView{ID: r.ID, Name: r.Name, RevisionID: r.Revision}
	if r.ActivatedOn == nil || r.ActiveDefinition == nil {
		return v
	}
	start, err := api.ParseTime(*r.ActivatedOn)
	if err != nil { // not written by the sandbox nor accepted from the seed; count it as done
		v.IsCalculated, v.PercentComplete = true, 100
		return v
	}
	end := start.Add(caCalcDuration)
	est := end.UTC().Format(caActivatedLayout)
	v.EstimatedCompletion = &est
	elapsed := now.Sub(start)
	switch {
	case elapsed >= caCalcDuration:
		v.PercentComplete = 100
	case elapsed > 0:
		v.PercentComplete = int(elapsed * 100 / caCalcDuration)
	}
	v.IsCalculated = v.PercentComplete == 100
	return v
}

// touch records a modification.
func (r *caRecord) touch(env caEnv) {
	r.LastModifiedOn = api.FormatTime(env.Now)
	r.LastModifiedBy = env.User
}

// caActivate moves the draft into the active definition (decision 47).
func caActivate(r *caRecord, env caEnv) caResult {
	if r.DraftDefinition == nil {
		return caInvalid([]string{"No draft definition was found to activate."})
	}
	if r.ActiveDefinition == nil && env.ActiveLimit > 0 && env.ActiveInAccount >= env.ActiveLimit {
		return caInvalid([]string{"You have reached the account limit on active calculated attributes."})
	}
	on := env.Now.UTC().Format(caActivatedLayout)
	by := env.User
	r.ActiveDefinition, r.DraftDefinition = r.DraftDefinition, nil
	r.ActivatedOn, r.ActivatedBy = &on, &by
	r.Revision++
	r.touch(env)
	return caResult{Status: http.StatusNoContent, Changed: true}
}

// caCreate handles POST on the collection (§9.3).
func caCreate(book *caBook, env caEnv, body []byte) caResult {
	o, fail := caBody(body)
	if fail != nil {
		return *fail
	}
	var msgs []string
	name, ok := caName(o)
	if !ok {
		msgs = append(msgs, "Field 'name' is required.")
	} else if book.byName(name, 0) != nil {
		msgs = append(msgs, "Field 'name' must be unique.")
	}
	desc, _, msg := caDescription(o)
	msgs = appendMsg(msgs, msg)
	var def *caDefinition
	if v, present := jsonField(o, "draft_definition"); !present {
		msgs = append(msgs, "Field 'draft_definition' is required.")
	} else {
		var dm []string
		def, dm = parseDefinition(v, "draft_definition", env, true)
		msgs = append(msgs, dm...)
	}
	if len(msgs) > 0 {
		return caInvalid(msgs)
	}
	now := api.FormatTime(env.Now)
	r := &caRecord{caView: caView{
		ID: book.nextID(), Name: name, Description: desc,
		CreatedBy: env.User, CreatedOn: now, LastModifiedBy: env.User, LastModifiedOn: now,
		DraftDefinition: def,
	}}
	book.Items = append(book.Items, r) // the new id is the highest
	res := caJSON(http.StatusCreated, r.ID)
	res.Changed = true
	return res
}

// caUpdate handles PUT on one CA (§9.6, decision 48).
func caUpdate(book *caBook, r *caRecord, env caEnv, body []byte) caResult {
	o, fail := caBody(body)
	if fail != nil {
		return *fail
	}
	var msgs []string
	name, nameGiven := r.Name, false
	if _, present := o["name"]; present {
		n, ok := caName(o)
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
	desc, descGiven, msg := caDescription(o)
	msgs = appendMsg(msgs, msg)
	var def *caDefinition
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
		return caInvalid(msgs)
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
	return caResult{Status: http.StatusNoContent, Changed: true}
}

// caBody decodes a create or update body into a JSON object. A body that is
// empty, not JSON or not an object is refused as everywhere in the sandbox
// (parseBody): 400 BAD_REQUEST.
func caBody(body []byte) (map[string]json.RawMessage, *caResult) {
	raw, err := parseBody(body)
	if err != nil {
		f := caFail(http.StatusBadRequest, codeBadRequest, err.Error())
		return nil, &f
	}
	o, ok := jsonObject(raw)
	if !ok {
		f := caFail(http.StatusBadRequest, codeBadRequest, "Request body must be a JSON object.")
		return nil, &f
	}
	return o, nil
}

// caName reads a usable name: a string that is not blank.
func caName(o map[string]json.RawMessage) (string, bool) {
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

// caDescription reads the optional description: its value, whether it was
// given (not absent, not null), and an error message.
func caDescription(o map[string]json.RawMessage) (string, bool, string) {
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

// caErrorBody is the v2 error body (§16 item 31).
type caErrorBody struct {
	Errors []api.ErrorItem `json:"errors"`
}

func caInvalid(msgs []string) caResult {
	items := make([]api.ErrorItem, len(msgs))
	for i, m := range msgs {
		items[i] = api.ErrorItem{Code: api.CodeValidation, Message: m}
	}
	return caJSON(http.StatusBadRequest, caErrorBody{Errors: items})
}

func caFail(status int, code, msg string) caResult {
	return caJSON(status, caErrorBody{Errors: []api.ErrorItem{{Code: code, Message: msg}}})
}

// caJSON encodes v as the body. The values serveCA encodes (structs of
// strings, integers, booleans and slices of them) cannot fail to encode.
func caJSON(status int, v any) caResult {
	b, err := json.Marshal(v)
	if err != nil {
		return caResult{Status: http.StatusInternalServerError,
			Body: []byte(`{"errors":[{"code":"INTERNAL_ERROR","message":"The sandbox could not encode its answer."}]}`)}
	}
	return caResult{Status: status, Body: b}
}
