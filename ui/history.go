package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	tea "charm.land/bubbletea/v2"

	"github.com/mpconsole/mpconsole/api"
	"github.com/mpconsole/mpconsole/state"
	"github.com/mpconsole/mpconsole/views/table"
)

// openHistory lists the journal of writes, newest first. enter on an
// update reverts it: the editor opens on the entity as it is now with the
// previous version's fields, so the revert goes through the same diff,
// conflict check and journal as any edit.
func (s *edits) openHistory() tea.Cmd {
	if s.journal == nil {
		s.h.fail(s.stateErr)
		return nil
	}
	c := s.h.conn()
	if c == nil {
		s.h.setNotice(notConnected)
		return nil
	}
	// Only this API and account's writes, by this session's SSH key, as
	// the profiles it may use: ids of another sandbox or another key's
	// writes mean nothing here (and are not this session's to see).
	scope := state.Scope{Owner: s.opts.Owner, BaseURL: c.V1BaseURL(), Account: c.AccountID(), Profiles: s.opts.Allowed}
	j := s.journal
	return request(s.h, ask[[]state.Entry]{
		what: "history",
		do: func(context.Context, *api.Client) ([]state.Entry, error) {
			return j.ListIn(scope) // the journal only grows: read it off the UI thread
		},
		then: func(entries []state.Entry, err error) tea.Cmd {
			if err != nil {
				s.h.fail(fmt.Errorf("reading the journal: %w", err))
				return nil
			}
			s.showHistory(entries)
			return nil
		},
	})
}

func (s *edits) showHistory(entries []state.Entry) {
	t := table.New(s.common, []table.Column{
		{Title: "TIME", Width: 19}, {Title: "WHERE", Width: 20}, {Title: "OP", Width: 8},
		{Title: "KIND", Width: 16}, {Title: "ID", Width: 12}, {Title: "NAME", Width: minFlex, Flex: 1},
	})
	t.SetEmptyText("No writes yet on this API and account.")
	rows := make([]table.Row, len(entries))
	for i, e := range entries {
		op := string(e.Op)
		if e.Action != "" {
			op = e.Action
		}
		name := e.Name
		if e.Op == state.OpUpdate {
			if n := nameOf(e.After); n != "" && n != nameOf(e.Before) {
				name = fmt.Sprintf("%s → %s", nameOf(e.Before), n)
			}
		}
		rows[i] = table.Row{ID: strconv.Itoa(i), Cells: []string{
			e.Time.Local().Format("2006-01-02 15:04:05"), fmt.Sprintf("%s/%d", e.Profile, e.Account), op, e.Kind, e.ID, name}}
	}
	t.SetRows(rows)
	ov := &overlay{comp: t, crumb: "history"}
	ov.onAction = func(a table.ActionMsg) tea.Cmd {
		i, err := strconv.Atoi(a.Row.ID)
		if err != nil || i < 0 || i >= len(entries) {
			return nil
		}
		switch a.Action {
		case table.Open:
			return s.revert(ov, entries[i])
		case table.Inspect:
			if b, err := json.Marshal(entries[i]); err == nil {
				s.h.inspectRaw("journal entry", b, "entry")
			}
		}
		return nil
	}
	s.h.show(ov)
}

func nameOf(raw []byte) string {
	var v struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return ""
	}
	return v.Name
}

// revert reverts the update e, chosen in the history overlay ov: it reads
// the entity as it is now and opens the editor on it with e's previous
// fields.
func (s *edits) revert(ov *overlay, e state.Entry) tea.Cmd {
	c := s.h.conn()
	switch {
	case e.Op != state.OpUpdate:
		s.h.setNotice("only updates can be reverted; i shows what was written")
		return nil
	case s.h.readOnly():
		s.h.setNotice(readOnlyNotice)
		return nil
	case c == nil || e.Profile != s.h.here().profile || e.Account != c.AccountID():
		s.h.fail(fmt.Errorf("this write was made as profile %q in account %d: switch there first (:use)", e.Profile, e.Account))
		return nil
	}
	d, ok := s.cat.Lookup(e.Kind)
	if !ok {
		return nil
	}
	s.h.close(ov)
	return request(s.h, ask[api.Entity]{
		what: "revert",
		do: func(ctx context.Context, c *api.Client) (api.Entity, error) {
			return c.Get(ctx, d, api.Ref(e.Parent), e.ID)
		},
		then: func(cur api.Entity, err error) tea.Cmd {
			if err != nil {
				s.h.fail(fmt.Errorf("reverting: %w", err))
				return nil
			}
			text, err := cur.Kind.WithFields(cur.Raw, e.Before)
			if err != nil {
				s.h.fail(fmt.Errorf("reverting: %w", err))
				return nil
			}
			view := s.h.view()
			if view == 0 {
				return nil
			}
			ed := s.edit(view, cur.Kind, cur.Parents, &cur)
			if s.h.front() == ed.layer {
				ed.layer.crumb = "revert " + cur.Kind.Singular
				ed.ed.SetText(pretty(text))
				s.draftNow(ed)
			}
			return nil
		},
	})
}
