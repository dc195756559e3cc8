package ui

import (
	"slices"
	"strings"
	"time"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/views"
	"github.com/mpconsole/mpconsole/views/errview"
)

// errorPane is the error pane under the body and the session's error log,
// with the request whose failure the pane shows. The pane stays until esc
// or the next navigation, or until the request that failed succeeds: a
// reload of the list whose load failed, the same write made again.
type errorPane struct {
	pane  *errview.Pane
	log   *errview.Log // every error of the session; also the '!' overlay
	now   func() time.Time
	owner origin   // the request whose failure the pane shows, if known
	seq   int      // counts the errors put in the pane
	over  *overlay // the overlay in front when the error came (nil: none)
}

func newErrorPane(c views.Common, now func() time.Time) *errorPane {
	return &errorPane{pane: errview.NewPane(c), log: errview.NewLog(c), now: now}
}

// origin is the request whose failure the error pane shows: the load of a
// frame, or a write (op "save", "delete", "action:NAME"; a save with no id
// is a create of the kind under the parent). The zero origin is anything
// else (a draft that could not be written, an unknown palette command).
type origin struct {
	frame                int
	op, kind, parent, id string
}

func loadOrigin(f *frame) origin { return origin{frame: f.id} }

func writeOrigin(op string, d *api.Descriptor, parent api.Ref, id string) origin {
	keys := make([]string, 0, len(parent))
	for k, v := range parent {
		keys = append(keys, k+"="+v)
	}
	slices.Sort(keys)
	return origin{op: op, kind: d.Name, parent: strings.Join(keys, ","), id: id}
}

// active reports whether the pane shows an error.
func (p *errorPane) active() bool { return p.pane.Active() }

// show puts err in the pane and the log; o is the request that failed, if
// known; over is the overlay in front (esc dismisses the pane first while
// it is). It reports whether the pane changed.
func (p *errorPane) show(err error, o origin, over *overlay) bool {
	if err == nil {
		return false
	}
	p.pane.Set(err)
	p.owner, p.over = o, over
	p.seq++
	p.log.Add(errview.Entry{Time: p.now(), Err: err})
	return true
}

// clear closes the pane (the log keeps the entry). It reports whether the
// pane was open.
func (p *errorPane) clear() bool {
	was := p.pane.Active()
	p.pane.Clear()
	p.owner, p.over = origin{}, nil
	return was
}

// settle ends the handling of the answer to request o: an error put in
// the pane since seq belongs to o, and a success (err nil) resolves an
// earlier failure of o. It reports whether the pane closed.
func (p *errorPane) settle(o origin, seq int, err error) bool {
	if err != nil && p.seq != seq && p.pane.Active() {
		p.owner = o
	}
	if err == nil {
		return p.resolve(o)
	}
	return false
}

// resolve closes the pane when request o, which has just succeeded, is
// what put it there. A delete also resolves any failed write of the entity
// it deleted. It reports whether the pane closed.
func (p *errorPane) resolve(o origin) bool {
	w := p.owner
	if !p.pane.Active() || w == (origin{}) {
		return false
	}
	sameEntity := o.op == "delete" && w.op != "" && w.id != "" && w.kind == o.kind && w.parent == o.parent && w.id == o.id
	if w != o && !sameEntity {
		return false
	}
	return p.clear()
}
