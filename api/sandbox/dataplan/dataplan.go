// Package dataplan is the sandbox's Data Planning API without its HTTP
// layer: the plan and version model, the checks on every body the API
// takes (create and update of plans and versions, with the documents'
// data points and JSON Schema validators), and the event-batch validator.
//
// It imports nothing of the sandbox: the caller finds the workspace, applies
// scope and read-only rules, stores the plans and writes the answers.
// Failures are *Error values whose Messages are the answer's errors[], in
// order; the first is the documented message where the reference has one.
//
// # Choices (docs/inconsistencies.md lists the decisions)
//
//   - Bad Schema answers are the plain ErrorList {"errors":[{"message"}]},
//     one item per problem (at most MaxMessages), each naming the field by
//     its path, e.g. Field 'data_plan_versions[0].version_document.
//     data_points[0].match.type' must be one of: ….
//   - A document's data points are capped at MaxDataPoints on every write,
//     with the validator's documented message.
//   - A validator may not use the keywords the reference lists as
//     unsupported; they are refused where they are keywords (inside a schema
//     object), never as property names.
//   - The read-only parts of a document (active_transformation_ids,
//     transformations) and of a version on create (quarantine_feed_id) are
//     not taken from a body.
package dataplan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/mpconsole/mpconsole/api/sandbox/internal/jsonbody"
)

// Limits: the documented one, and the sandbox's own.
const (
	MaxDataPoints = 1000 // per version document ("Default Service Limits")
	MaxIDLen      = 128  // data_plan_id, the sandbox's own
	MaxNameLen    = 255  // data_plan_name, the sandbox's own
	MaxDescLen    = 4096 // descriptions, the sandbox's own
	MaxMessages   = 20   // errors listed in one answer
)

// TimeLayout is how the sandbox writes created_on and last_modified_on: UTC,
// no zone, milliseconds, as in the reference's examples.
const TimeLayout = "2006-01-02T15:04:05.000"

// Stamp formats a time as the API writes it.
func Stamp(t time.Time) string { return t.UTC().Format(TimeLayout) }

// Enumerations of the reference.
var (
	Environments     = []string{"none", "development", "production"}
	MatchTypes       = []string{"unknown", "screen_view", "custom_event", "user_attributes", "user_identities", "product_action", "promotion_action", "product_impression"}
	CustomEventTypes = []string{"unknown", "navigation", "location", "search", "transaction", "user_content", "user_preference", "social", "other", "media"}
	ProductActions   = []string{"add_to_cart", "remove_from_cart", "checkout", "checkout_option", "click", "view_detail", "purchase", "refund", "add_to_wishlist", "remove_from_wish_list"}
	PromotionActions = []string{"view", "click"}
)

// Documented messages (byte for byte).
const (
	MsgLastVersion     = "Unable to delete plan version - plans must contain at least one plan version."
	MsgActiveInProd    = "Unable to delete plan version - this version is active in prod and cannot be deleted."
	MsgQuarantine      = "Unable to delete plan version. Plan versions with an associated quarantine feed can only be deleted through the UI."
	MsgMissingValue    = "A required value was missing."
	MsgInvalidBatch    = "Invalid Event Batch."
	MsgInvalidDocument = "Invalid Document."
	MsgAccountConfig   = "Account configuration error."
	MsgInvalidPlanDoc  = "Invalid data plan document."
)

// PlanNotFound is the documented 404 message for a plan.
func PlanNotFound(planID string, workspaceID int64) string {
	return fmt.Sprintf("The specified plan ID %s in workspace %d was not found.", planID, workspaceID)
}

// VersionNotFound is the documented 404 message for a version.
func VersionNotFound(version, planID string, workspaceID int64) string {
	return fmt.Sprintf("The specified version %s in plan ID %s was not found in workspace %d.", version, planID, workspaceID)
}

// TooManyDataPoints is the documented message for a document over the limit.
func TooManyDataPoints(n int) string {
	return fmt.Sprintf("Data plan exceeds maximum of %d with %d data points.", MaxDataPoints, n)
}

// ---- the model ----

// Plan is a data plan with every version, as stored and as the API shows it
// (field order follows the reference's examples).
type Plan struct {
	ID             string     `json:"data_plan_id"`
	Name           string     `json:"data_plan_name"`
	Description    string     `json:"data_plan_description,omitempty"`
	Versions       []*Version `json:"data_plan_versions"`
	CreatedOn      string     `json:"created_on"`
	CreatedBy      string     `json:"created_by"`
	LastModifiedOn string     `json:"last_modified_on,omitempty"`
	LastModifiedBy string     `json:"last_modified_by,omitempty"`
}

// Version is one version of a plan. PlanID is the owning plan's id.
type Version struct {
	Version              int64     `json:"version"`
	PlanID               string    `json:"data_plan_id"`
	Description          string    `json:"version_description,omitempty"`
	ActivatedEnvironment string    `json:"activated_environment"`
	Document             *Document `json:"version_document,omitempty"`
	CreatedOn            string    `json:"created_on"`
	CreatedBy            string    `json:"created_by"`
	LastModifiedOn       string    `json:"last_modified_on,omitempty"`
	LastModifiedBy       string    `json:"last_modified_by,omitempty"`
	QuarantineFeedID     *int64    `json:"quarantine_feed_id,omitempty"`
}

// Document is a version document: its data points.
type Document struct {
	DataPoints []DataPoint `json:"data_points"`
}

// DataPoint pairs a match with a validator. Criteria and Definition are
// kept as sent (after the checks), so a document reads back as written.
type DataPoint struct {
	Description string    `json:"description,omitempty"`
	Match       Match     `json:"match"`
	Validator   Validator `json:"validator"`
}

// Match says which data a data point applies to.
type Match struct {
	Type     string          `json:"type"`
	Criteria json.RawMessage `json:"criteria"`
}

// Validator is the JSON Schema the matched data must satisfy.
type Validator struct {
	Type       string          `json:"type"`
	Definition json.RawMessage `json:"definition"`
}

// Version returns the plan's version n, or nil.
func (p *Plan) Version(n int64) *Version {
	for _, v := range p.Versions {
		if v.Version == n {
			return v
		}
	}
	return nil
}

// Summary is the plan as the list shows it: versions without documents.
func (p *Plan) Summary() *Plan {
	c := *p
	c.Versions = make([]*Version, len(p.Versions))
	for i, v := range p.Versions {
		vc := *v
		vc.Document = nil
		c.Versions[i] = &vc
	}
	return &c
}

// ---- errors ----

// Error is a refused body: 400 with Messages as errors[].
type Error struct {
	Messages []string
}

func (e *Error) Error() string { return strings.Join(e.Messages, " ") }

// problems collects the messages of one body.
type problems struct{ msgs []string }

func (p *problems) add(format string, args ...any) {
	if len(p.msgs) < MaxMessages {
		p.msgs = append(p.msgs, fmt.Sprintf(format, args...))
	}
}

func (p *problems) err() error {
	if len(p.msgs) == 0 {
		return nil
	}
	return &Error{Messages: p.msgs}
}

// fail is a one-message Error.
func fail(format string, args ...any) error {
	return &Error{Messages: []string{fmt.Sprintf(format, args...)}}
}

// ---- body reading ----

// object is a decoded JSON object; absent and null fields read as not given.
type object map[string]json.RawMessage

func decodeObject(body []byte) (object, error) {
	raw, err := jsonbody.Parse(body)
	if err != nil {
		return nil, fail("%s", err.Error())
	}
	o, ok := asObject(raw)
	if !ok {
		return nil, fail("Request body must be a JSON object.")
	}
	return o, nil
}

func asObject(raw json.RawMessage) (object, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return nil, false
	}
	var o object
	if json.Unmarshal(raw, &o) != nil {
		return nil, false
	}
	return o, true
}

func isNull(raw json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(raw), []byte("null")) }

func (o object) has(k string) bool {
	v, ok := o[k]
	return ok && !isNull(v)
}

// str reads a string field; ok is false (and a problem noted) when it is
// there but not a string.
func (o object) str(p *problems, path, k string) (s string, present, ok bool) {
	if !o.has(k) {
		return "", false, true
	}
	if json.Unmarshal(o[k], &s) != nil {
		p.add("Field '%s' must be a string.", join(path, k))
		return "", true, false
	}
	return s, true, true
}

// integer reads a whole-number field.
func (o object) integer(p *problems, path, k string) (n int64, present, ok bool) {
	if !o.has(k) {
		return 0, false, true
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(o[k])), 10, 64)
	if err != nil {
		p.add("Field '%s' must be an integer.", join(path, k))
		return 0, true, false
	}
	return n, true, true
}

// array reads an array field.
func (o object) array(p *problems, path, k string) (items []json.RawMessage, present, ok bool) {
	if !o.has(k) {
		return nil, false, true
	}
	if json.Unmarshal(o[k], &items) != nil {
		p.add("Field '%s' must be an array.", join(path, k))
		return nil, true, false
	}
	return items, true, true
}

// obj reads an object field.
func (o object) obj(p *problems, path, k string) (sub object, present, ok bool) {
	if !o.has(k) {
		return nil, false, true
	}
	sub, ok = asObject(o[k])
	if !ok {
		p.add("Field '%s' must be an object.", join(path, k))
		return nil, true, false
	}
	return sub, true, true
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

func oneOf(list []string) string { return strings.Join(list, ", ") }

// checkText notes a string over its limit or with invalid characters.
func checkText(p *problems, path, s string, limit int) {
	if n := utf8.RuneCountInString(s); n > limit {
		p.add("Field '%s' is longer than %d characters.", path, limit)
	}
}

// ---- plans ----

var slugRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`) })
var nonSlug = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[^a-z0-9]+`) })

// Slug derives a plan id from a name: lower case, every run of characters
// outside a-z and 0-9 becomes "_", without leading or trailing "_".
func Slug(name string) string {
	s := strings.Trim(nonSlug().ReplaceAllString(strings.ToLower(name), "_"), "_")
	if len([]rune(s)) > MaxIDLen {
		s = strings.TrimRight(string([]rune(s)[:MaxIDLen]), "_")
	}
	return s
}

// ParsePlan reads a create-plan body into a new plan stamped with now and
// by. Versions get the plan's id, activated_environment "none" when left
// out, and the next free number when version is left out.
func ParsePlan(body []byte, now, by string) (*Plan, error) {
	o, err := decodeObject(body)
	if err != nil {
		return nil, err
	}
	p := &problems{}
	plan := &Plan{CreatedOn: now, CreatedBy: by}
	name, hasName, nameOK := o.str(p, "", "data_plan_name")
	switch {
	case nameOK && !hasName:
		p.add("Field 'data_plan_name' is required.")
	case nameOK && strings.TrimSpace(name) == "":
		p.add("Field 'data_plan_name' must not be empty.")
	}
	checkText(p, "data_plan_name", name, MaxNameLen)
	plan.Name = name
	id, hasID, idOK := o.str(p, "", "data_plan_id")
	switch {
	case idOK && hasID:
		checkPlanID(p, id)
	case idOK && strings.TrimSpace(name) != "":
		id = Slug(name)
		checkPlanID(p, id)
	}
	plan.ID = id
	desc, _, _ := o.str(p, "", "data_plan_description")
	checkText(p, "data_plan_description", desc, MaxDescLen)
	plan.Description = desc
	items, _, ok := o.array(p, "", "data_plan_versions")
	if ok && len(items) == 0 {
		p.add("Field 'data_plan_versions' must hold at least one version: a plan must contain at least one plan version.")
	}
	seen := map[int64]bool{}
	var pending []*Version // versions without a number, numbered after the others
	for i, raw := range items {
		path := fmt.Sprintf("data_plan_versions[%d]", i)
		vo, ok := asObject(raw)
		if !ok {
			p.add("Field '%s' must be an object.", path)
			continue
		}
		v, hasNumber := readVersion(p, path, vo, now, by)
		if v == nil {
			continue
		}
		v.PlanID = id
		if hasNumber {
			if seen[v.Version] {
				p.add("Field '%s.version': version %d is given twice.", path, v.Version)
			}
			seen[v.Version] = true
		} else {
			pending = append(pending, v)
		}
		plan.Versions = append(plan.Versions, v)
	}
	next := int64(1)
	for _, v := range pending {
		for seen[next] {
			next++
		}
		v.Version = next
		seen[next] = true
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	slices.SortStableFunc(plan.Versions, func(a, b *Version) int { return cmpInt(a.Version, b.Version) })
	return plan, nil
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func checkPlanID(p *problems, id string) {
	switch {
	case id == "":
		p.add("Field 'data_plan_id' must not be empty (it is derived from data_plan_name when left out).")
	case len(id) > MaxIDLen || !slugRE().MatchString(id):
		p.add("Field 'data_plan_id' must be 1 to %d characters: a-z, 0-9, '_' and '-', starting with a letter or digit.", MaxIDLen)
	}
}

// PlanPatch is the fields an update of a plan may change.
type PlanPatch struct {
	Name        *string
	Description *string
}

// ParsePlanPatch reads an update-plan body. Other fields (data_plan_id,
// data_plan_versions, the timestamps) are ignored: a client may send back
// the plan it read.
func ParsePlanPatch(body []byte) (PlanPatch, error) {
	o, err := decodeObject(body)
	if err != nil {
		return PlanPatch{}, err
	}
	p := &problems{}
	var pp PlanPatch
	if name, has, ok := o.str(p, "", "data_plan_name"); has && ok {
		if strings.TrimSpace(name) == "" {
			p.add("Field 'data_plan_name' must not be empty.")
		}
		checkText(p, "data_plan_name", name, MaxNameLen)
		pp.Name = &name
	}
	if desc, has, ok := o.str(p, "", "data_plan_description"); has && ok {
		checkText(p, "data_plan_description", desc, MaxDescLen)
		pp.Description = &desc
	}
	return pp, p.err()
}

// ---- versions ----

// ParseVersion reads a create-version body. hasNumber is false when the body
// leaves version out (the caller picks the next number).
func ParseVersion(body []byte, planID, now, by string) (v *Version, hasNumber bool, err error) {
	o, err := decodeObject(body)
	if err != nil {
		return nil, false, err
	}
	p := &problems{}
	v, hasNumber = readVersion(p, "", o, now, by)
	if err := p.err(); err != nil {
		return nil, false, err
	}
	v.PlanID = planID
	return v, hasNumber, nil
}

// readVersion reads a version object of a create body; nil when it has
// problems (noted in p).
func readVersion(p *problems, path string, o object, now, by string) (*Version, bool) {
	before := len(p.msgs)
	v := &Version{CreatedOn: now, CreatedBy: by, ActivatedEnvironment: "none"}
	n, hasNumber, ok := o.integer(p, path, "version")
	if ok && hasNumber && n < 1 {
		p.add("Field '%s' must be a positive integer.", join(path, "version"))
	}
	v.Version = n
	if env, has, ok := o.str(p, path, "activated_environment"); has && ok {
		if !slices.Contains(Environments, env) {
			p.add("Field '%s' must be one of: %s.", join(path, "activated_environment"), oneOf(Environments))
		}
		v.ActivatedEnvironment = env
	}
	desc, _, _ := o.str(p, path, "version_description")
	checkText(p, join(path, "version_description"), desc, MaxDescLen)
	v.Description = desc
	v.Document = &Document{DataPoints: []DataPoint{}}
	if o.has("version_document") {
		doc, err := readDocument(p, join(path, "version_document"), o["version_document"])
		if err == nil {
			v.Document = doc
		}
	}
	if len(p.msgs) > before {
		return nil, false
	}
	return v, hasNumber
}

// VersionPatch is what an update of a version may change; nil fields stay.
type VersionPatch struct {
	Environment    *string
	Description    *string
	Document       *Document
	QuarantineSet  bool   // quarantine_feed_id was in the body (null clears it)
	QuarantineFeed *int64 // its value
}

// ParseVersionPatch reads an update-version body for the version in the
// path. A body version different from the path's is refused.
func ParseVersionPatch(body []byte, pathVersion int64) (VersionPatch, error) {
	o, err := decodeObject(body)
	if err != nil {
		return VersionPatch{}, err
	}
	p := &problems{}
	var vp VersionPatch
	if n, has, ok := o.integer(p, "", "version"); has && ok && n != pathVersion {
		p.add("Field 'version' (%d) must be the version in the path (%d): a version's number cannot change.", n, pathVersion)
	}
	if env, has, ok := o.str(p, "", "activated_environment"); has && ok {
		if !slices.Contains(Environments, env) {
			p.add("Field 'activated_environment' must be one of: %s.", oneOf(Environments))
		}
		vp.Environment = &env
	}
	if desc, has, ok := o.str(p, "", "version_description"); has && ok {
		checkText(p, "version_description", desc, MaxDescLen)
		vp.Description = &desc
	}
	if o.has("version_document") {
		if doc, err := readDocument(p, "version_document", o["version_document"]); err == nil {
			vp.Document = doc
		}
	}
	if raw, ok := o["quarantine_feed_id"]; ok {
		vp.QuarantineSet = true
		if !isNull(raw) {
			n, err := strconv.ParseInt(strings.TrimSpace(string(raw)), 10, 64)
			if err != nil || n < 1 {
				p.add("Field 'quarantine_feed_id' must be a positive integer or null.")
			}
			vp.QuarantineFeed = &n
		}
	}
	return vp, p.err()
}

// Apply changes v by the patch, stamped with now and by.
func (vp VersionPatch) Apply(v *Version, now, by string) {
	if vp.Environment != nil {
		v.ActivatedEnvironment = *vp.Environment
	}
	if vp.Description != nil {
		v.Description = *vp.Description
	}
	if vp.Document != nil {
		v.Document = vp.Document
	}
	if vp.QuarantineSet {
		v.QuarantineFeedID = vp.QuarantineFeed
	}
	v.LastModifiedOn, v.LastModifiedBy = now, by
}

// DeleteRefusal is why a version may not be deleted ("" when it may): the
// plan's only version, a version active in production, a version with a
// quarantine feed — in that order.
func DeleteRefusal(p *Plan, v *Version) string {
	switch {
	case len(p.Versions) <= 1:
		return MsgLastVersion
	case v.ActivatedEnvironment == "production":
		return MsgActiveInProd
	case v.QuarantineFeedID != nil:
		return MsgQuarantine
	}
	return ""
}

// NextVersion is one more than the plan's highest version number.
func (p *Plan) NextVersion() int64 {
	var n int64
	for _, v := range p.Versions {
		n = max(n, v.Version)
	}
	return n + 1
}

// ---- documents ----

// errDocument marks a document whose problems are noted.
var errDocument = errors.New("invalid document")

// ParseDocument checks a version document on its own (the seed uses it).
func ParseDocument(raw json.RawMessage) (*Document, error) {
	p := &problems{}
	doc, _ := readDocument(p, "version_document", raw)
	if err := p.err(); err != nil {
		return nil, err
	}
	return doc, nil
}

// readDocument checks a version document and keeps its data points.
func readDocument(p *problems, path string, raw json.RawMessage) (*Document, error) {
	before := len(p.msgs)
	o, ok := asObject(raw)
	if !ok {
		p.add("Field '%s' must be an object.", path)
		return nil, errDocument
	}
	items, _, ok := o.array(p, path, "data_points")
	if !ok {
		return nil, errDocument
	}
	if len(items) > MaxDataPoints {
		p.add("%s", TooManyDataPoints(len(items)))
		return nil, errDocument
	}
	doc := &Document{DataPoints: make([]DataPoint, 0, len(items))}
	seen := map[string]int{}
	for i, it := range items {
		dpath := fmt.Sprintf("%s.data_points[%d]", path, i)
		dp, ok := readDataPoint(p, dpath, it)
		if !ok {
			continue
		}
		k := dp.Match.Type + "\x00" + canonicalJSON(dp.Match.Criteria)
		if j, dup := seen[k]; dup {
			p.add("Field '%s.match' repeats the match of data_points[%d]; a match may appear once in a document.", dpath, j)
		}
		seen[k] = i
		doc.DataPoints = append(doc.DataPoints, dp)
	}
	if len(p.msgs) > before {
		return nil, errDocument
	}
	return doc, nil
}

// canonicalJSON re-encodes a value with sorted keys, for comparison.
func canonicalJSON(raw json.RawMessage) string {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return string(raw)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// readDataPoint checks one data point.
func readDataPoint(p *problems, path string, raw json.RawMessage) (DataPoint, bool) {
	before := len(p.msgs)
	var dp DataPoint
	o, ok := asObject(raw)
	if !ok {
		p.add("Field '%s' must be an object.", path)
		return dp, false
	}
	dp.Description, _, _ = o.str(p, path, "description")
	checkText(p, join(path, "description"), dp.Description, MaxDescLen)
	m, has, ok := o.obj(p, path, "match")
	if ok && !has {
		p.add("Field '%s' is required.", join(path, "match"))
	}
	if m != nil {
		dp.Match = readMatch(p, join(path, "match"), m)
	}
	val, has, ok := o.obj(p, path, "validator")
	if ok && !has {
		p.add("Field '%s' is required.", join(path, "validator"))
	}
	if val != nil {
		vpath := join(path, "validator")
		typ, has, ok := val.str(p, vpath, "type")
		if !has && ok {
			typ = "json_schema"
		}
		if ok && typ != "json_schema" {
			p.add("Field '%s' must be json_schema.", join(vpath, "type"))
		}
		dp.Validator.Type = typ
		def, has, ok := val.obj(p, vpath, "definition")
		if ok && !has {
			p.add("Field '%s' is required.", join(vpath, "definition"))
		}
		if def != nil {
			checkSchema(p, join(vpath, "definition"), val["definition"])
			dp.Validator.Definition = bytes.TrimSpace(val["definition"])
		}
	}
	return dp, len(p.msgs) == before
}

// readMatch checks a match and its criteria for the match type.
func readMatch(p *problems, path string, m object) Match {
	var out Match
	typ, has, ok := m.str(p, path, "type")
	switch {
	case ok && !has:
		p.add("Field '%s' is required.", join(path, "type"))
	case ok && !slices.Contains(MatchTypes, typ):
		p.add("Field '%s' must be one of: %s.", join(path, "type"), oneOf(MatchTypes))
		ok = false
	}
	out.Type = typ
	c, has, cok := m.obj(p, path, "criteria")
	if cok && !has {
		p.add("Field '%s' is required.", join(path, "criteria"))
	}
	if c == nil {
		return out
	}
	out.Criteria = bytes.TrimSpace(m["criteria"])
	if !ok {
		return out
	}
	cpath := join(path, "criteria")
	need := func(k string, allowed []string) {
		s, has, ok := c.str(p, cpath, k)
		switch {
		case !ok:
		case !has || s == "":
			p.add("Field '%s' is required for a %s match.", join(cpath, k), typ)
		case allowed != nil && !slices.Contains(allowed, s):
			p.add("Field '%s' must be one of: %s.", join(cpath, k), oneOf(allowed))
		}
	}
	switch typ {
	case "custom_event":
		need("event_name", nil)
		need("custom_event_type", CustomEventTypes)
	case "screen_view":
		need("screen_name", nil)
	case "product_action":
		need("action", ProductActions)
	case "promotion_action":
		need("action", PromotionActions)
	}
	return out
}
