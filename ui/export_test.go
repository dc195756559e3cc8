package ui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/mpconsole/mpconsole/api"
)

// Rebatch is a batch of a streamed load as the load would send it: the
// load of held (a batch the model has not been given), items being the
// list's entities from the n-th, p the progress after them. Its watcher
// (the command Update returns) waits forever; benchmarks do not run it.
func Rebatch(held tea.Msg, items []api.Entity, n int, p api.Progress) tea.Msg {
	t := held.(listBatch)
	rows := batchRows(items, n)
	return listBatch{view: t.view, gen: t.gen, seq: t.seq, packed: packBatch(items, rows), rows: rows, progress: p}
}

// IsBatch reports whether msg is a batch of a streamed load.
func IsBatch(msg tea.Msg) bool {
	_, ok := msg.(listBatch)
	return ok
}

// FrontRows is how many rows the frame in front holds (its filter aside),
// and whether its load still streams.
func FrontRows(m tea.Model) (rows int, streaming bool) {
	f := m.(*Model).top()
	return f.table.Total(), f.streaming
}
