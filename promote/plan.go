package promote

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/mpconsole/mpconsole/api"
)

// Op is what a step of a plan does in the target.
type Op string

// The operations.
const (
	Create Op = "create"
	Update Op = "update"
	Delete Op = "delete"
)

// Step is one write of a plan.
type Step struct {
	Op   Op       `json:"op"`
	Kind string   `json:"kind"`
	Key  []string `json:"key"`
	// Body is what the step writes, as the source has it: normalized,
	// secrets as references (resolved only when the step is sent). An
	// app's create body carries its platforms, a data plan's its versions.
	Body    json.RawMessage `json:"body,omitempty"`
	Changes []FieldChange   `json:"changes,omitempty"` // an update's fields, target → source
	// With are the keys of entities the step creates too: an app is
	// created with its platforms, a data plan with its versions.
	With [][]string `json:"with,omitempty"`
	// Secrets are the secret references the step needs a value for.
	Secrets []string `json:"secrets,omitempty"`

	upsert bool   // created through the kind's update endpoint (filters, service filtering)
	target *Entry // the target's entity (update, delete)
}

// Label names the step's entity.
func (s Step) Label() string { return label(s.Kind, s.Key) }

// Blocked is a difference the plan cannot promote, and why.
type Blocked struct {
	Status  Status        `json:"status"`
	Kind    string        `json:"kind"`
	Key     []string      `json:"key"`
	Reason  string        `json:"reason"`
	Changes []FieldChange `json:"changes,omitempty"` // for "~": the fields that cannot be written
}

// Label names the entity.
func (b Blocked) Label() string { return label(b.Kind, b.Key) }

// Plan is what promoting a source to a target does.
type Plan struct {
	Diff  *Diff  `json:"diff"`
	Steps []Step `json:"steps"` // creates and updates in dependency order, then deletes children first
	// Blocked are the differences that cannot be promoted.
	Blocked []Blocked `json:"blocked,omitempty"`
	// Left are the entities only in the target, left alone without Prune.
	Left []Difference `json:"left,omitempty"`

	target *Snapshot
}

// PlanOptions say what a plan may do.
type PlanOptions struct {
	// Prune deletes, where the API can, what is only in the target.
	Prune bool
}

// MakePlan compares source with target and plans the writes that make the
// target like the source. It sends nothing: target is a snapshot of the
// account the plan is for (Take), whose ids and current versions the steps
// use.
func MakePlan(source, target *Snapshot, o PlanOptions) *Plan {
	p := &Plan{Diff: Compare(source, target), target: target}
	exists := map[string]bool{} // in the target or created by an earlier step
	for _, e := range target.entries {
		exists[id(e.Kind, e.Key)] = true
	}
	var deletes []Step
	for _, d := range p.Diff.Differences {
		desc, _ := api.Lookup(d.Kind)
		block := func(reason string, cs []FieldChange) {
			p.Blocked = append(p.Blocked, Blocked{Status: d.Status, Kind: d.Kind, Key: d.Key, Reason: reason, Changes: cs})
		}
		switch d.Status {
		case SourceOnly:
			if exists[id(d.Kind, d.Key)] {
				continue // created with its parent
			}
			st, why := p.createStep(source, d, desc, exists)
			if why != "" {
				block(why, nil)
				continue
			}
			p.Steps = append(p.Steps, st)
			exists[id(d.Kind, d.Key)] = true
			sp, _, _ := specOf(d.Kind)
			for _, w := range st.With {
				exists[id(sp.carries, w)] = true
			}
		case Differs:
			if !desc.Ops.Has(api.OpUpdate) || !desc.Ops.Has(api.OpGet) {
				block(desc.Name+" cannot be updated through the API", d.Changes)
				continue
			}
			var ok, not []FieldChange
			for _, c := range d.Changes {
				if writable(desc, d, c) {
					ok = append(ok, c)
				} else {
					not = append(not, c)
				}
			}
			if len(not) > 0 {
				block(notWritable(desc, not), not)
			}
			if len(ok) > 0 {
				p.Steps = append(p.Steps, Step{Op: Update, Kind: d.Kind, Key: d.Key, Body: d.source.Body,
					Changes: ok, Secrets: secretsIn(ok), target: d.target})
			}
		case TargetOnly:
			switch {
			case !o.Prune:
				p.Left = append(p.Left, d)
			case !desc.Ops.Has(api.OpDelete):
				block(desc.Name+" cannot be deleted through the API", nil)
			default:
				deletes = append(deletes, Step{Op: Delete, Kind: d.Kind, Key: d.Key, target: d.target})
			}
		}
	}
	slices.Reverse(deletes) // children before their parents
	p.Steps = append(p.Steps, deletes...)
	return p
}

// parentKeyLen is how many parts of a kind's key name its parent entity:
// the parent's whole key.
func parentKeyLen(kind string) int {
	sp, _, _ := specOf(kind)
	if sp.parent == "" {
		return 0
	}
	return keyLen(sp.parent)
}

// keyLen is how many parts a kind's key has: its parent's, then its own
// natural key values — filters with the service name first, service
// filtering with the service name only.
func keyLen(kind string) int {
	sp, _, _ := specOf(kind)
	own := 0
	if d, ok := api.Lookup(kind); ok {
		own = len(d.NaturalKey)
	}
	switch {
	case kind == "servicefiltering":
		own = 1
	case sp.byService:
		own++
	}
	return parentKeyLen(kind) + own
}

// createStep plans the create of a source-only entity, or says why it
// cannot be created.
func (p *Plan) createStep(source *Snapshot, d Difference, desc *api.Descriptor, exists map[string]bool) (Step, string) {
	sp, _, _ := specOf(d.Kind)
	if n := parentKeyLen(d.Kind); n > 0 && !exists[id(sp.parent, d.Key[:n])] {
		return Step{}, fmt.Sprintf("its %s is not in the target and is not created by this plan", label(sp.parent, d.Key[:n]))
	}
	st := Step{Op: Create, Kind: d.Kind, Key: d.Key, Body: d.source.Body}
	switch {
	case sp.byService:
		if !p.configured(d.Key[0], d.Key[1], exists) {
			return Step{}, fmt.Sprintf("no configuration of %s in app %q in the target", d.Key[1], d.Key[0])
		}
		st.upsert = true
	case !desc.Ops.Has(api.OpCreate):
		return Step{}, desc.Name + " cannot be created through the API"
	}
	if sp.carries != "" {
		if !slices.Contains(p.Diff.Kinds, sp.carries) {
			return Step{}, fmt.Sprintf("a %s is created with its %s: compare %s too", desc.Singular, sp.carries, sp.carries)
		}
		// The children the source has, in the plan's source: those a
		// comparison of picked rows keeps.
		var kids []json.RawMessage
		for _, e := range source.Entries() {
			if e.Kind == sp.carries && len(e.Key) == len(d.Key)+1 && slices.Equal(e.Key[:len(d.Key)], d.Key) {
				kids = append(kids, e.Body)
				st.With = append(st.With, e.Key)
			}
		}
		if len(kids) == 0 {
			cd, _ := api.Lookup(sp.carries)
			return Step{}, fmt.Sprintf("the API creates a %s only with at least one %s", desc.Singular, cd.Singular)
		}
		var m map[string]json.RawMessage
		_ = json.Unmarshal(d.source.Body, &m) // a normalized body is an object
		m[carriedField[d.Kind]] = mustMarshal(kids)
		st.Body = mustMarshal(m)
	}
	switch d.Kind {
	case "calculatedattributes":
		var m map[string]json.RawMessage
		_ = json.Unmarshal(d.source.Body, &m)
		def := m["draft_definition"]
		if isNull(def) {
			def = m["active_definition"]
		}
		if isNull(def) {
			return Step{}, "it has no definition, and the API creates a calculated attribute only from one"
		}
		st.Body = mustMarshal(map[string]json.RawMessage{"name": m["name"], "description": m["description"], "draft_definition": def})
	}
	st.Secrets = secretsIn([]FieldChange{{To: st.Body}})
	return st, ""
}

// carriedField is the field of a create body that holds the children the
// entity is created with.
var carriedField = map[string]string{"apps": "platforms", "plans": "data_plan_versions"}

// configured reports whether the target has, or the plan creates, a
// configuration of the service on a platform of the app.
func (p *Plan) configured(app, service string, exists map[string]bool) bool {
	for k := range exists {
		parts := strings.Split(k, "\x1f")
		if parts[0] == "serviceconfigs" && len(parts) == 5 && parts[1] == app && parts[3] == service {
			return true
		}
	}
	return false
}

func isNull(v json.RawMessage) bool {
	t := strings.TrimSpace(string(v))
	return t == "" || t == "null"
}

// writable reports whether the API can write a changed field: one of the
// kind's updatable fields — except a calculated attribute's draft
// definition the source does not have (the update cannot remove it; that
// is the discard-draft action).
func writable(d *api.Descriptor, diff Difference, c FieldChange) bool {
	top := topField(c.Path)
	if !slices.Contains(d.Edit.Updatable, top) {
		return false
	}
	if d.Name == "calculatedattributes" && top == "draft_definition" {
		var m map[string]json.RawMessage
		_ = json.Unmarshal(diff.source.Body, &m)
		return !isNull(m["draft_definition"])
	}
	return true
}

func notWritable(d *api.Descriptor, cs []FieldChange) string {
	var fields []string
	for _, c := range cs {
		if f := topField(c.Path); !slices.Contains(fields, f) {
			fields = append(fields, f)
		}
	}
	why := "the API does not write " + strings.Join(fields, ", ")
	if d.Name == "calculatedattributes" {
		why += " (the active definition changes only by activating a draft; a draft is removed only by discarding it)"
	}
	return why
}

func topField(path string) string {
	if i := strings.IndexAny(path, ".["); i >= 0 {
		return path[:i]
	}
	return path
}

// secretsIn lists the secret references in the new values of changes.
func secretsIn(cs []FieldChange) []string {
	var out []string
	var walk func(any)
	walk = func(v any) {
		if name, ok := secretRef(v); ok {
			if !slices.Contains(out, name) {
				out = append(out, name)
			}
			return
		}
		switch t := v.(type) {
		case map[string]any:
			for _, x := range t {
				walk(x)
			}
		case []any:
			for _, x := range t {
				walk(x)
			}
		}
	}
	for _, c := range cs {
		if c.To == nil {
			continue
		}
		if v, err := decode(c.To); err == nil {
			walk(v)
		}
	}
	slices.Sort(out)
	return out
}

// Secrets lists every secret reference the plan's steps need, sorted.
func (p *Plan) Secrets() []string {
	var out []string
	for _, s := range p.Steps {
		for _, n := range s.Secrets {
			if !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	slices.Sort(out)
	return out
}

// Empty reports whether the plan writes nothing.
func (p *Plan) Empty() bool { return len(p.Steps) == 0 }

// WriteText writes the plan: its steps (`+ app "Shop"`, `~ platform
// Shop/iOS: crash_handling "AppDefined" → "ForceCatch"`, `- platform
// Old/iOS`), then what cannot be promoted and what is left in the target.
// Bodies are not shown, and no secret value is ever in a plan.
func (p *Plan) WriteText(w io.Writer) error {
	var b strings.Builder
	if len(p.Steps) == 0 {
		b.WriteString("nothing to do\n")
	}
	for _, s := range p.Steps {
		writeStep(&b, s)
	}
	if len(p.Blocked) > 0 {
		b.WriteString("\ncannot be promoted:\n")
		for _, x := range p.Blocked {
			fmt.Fprintf(&b, "! %s %s: %s\n", x.Status, x.Label(), x.Reason)
			writeChanges(&b, "    "+string(x.Status)+" "+x.Label(), x.Changes)
		}
	}
	if len(p.Left) > 0 {
		b.WriteString("\nonly in the target (left; prune deletes what the API can):\n")
		for _, x := range p.Left {
			fmt.Fprintf(&b, "- %s\n", x.Label())
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeStep(b *strings.Builder, s Step) {
	switch s.Op {
	case Create:
		fmt.Fprintf(b, "+ %s", s.Label())
		if len(s.With) > 0 {
			var own []string
			for _, k := range s.With {
				own = append(own, k[len(k)-1])
			}
			sp, _, _ := specOf(s.Kind)
			fmt.Fprintf(b, " (with %s %s)", sp.carries, strings.Join(own, ", "))
		}
		if len(s.Secrets) > 0 {
			fmt.Fprintf(b, " [secrets: %s]", strings.Join(s.Secrets, ", "))
		}
		b.WriteByte('\n')
	case Update:
		writeChanges(b, "~ "+s.Label(), s.Changes)
	case Delete:
		fmt.Fprintf(b, "- %s\n", s.Label())
	}
}

// JSON is the plan as indented JSON (no secret value: references only).
func (p *Plan) JSON() ([]byte, error) {
	return json.MarshalIndent(p, "", "  ")
}
