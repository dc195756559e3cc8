package sandbox

import (
	"slices"
	"testing"
)

// An index keeps its lookups in step: by id, by parent in id order, by name
// within the parent; a replaced entity leaves no trace; the kind's counter
// stays above every id put; the kind is registered for loading.
func TestIndex(t *testing.T) {
	st := newState()
	x := st.users
	a := &user{Seq: 5, AccountID: 1, Email: "a@x.example"}
	b := &user{Seq: 2, AccountID: 1, Email: "b@x.example"}
	c := &user{Seq: 9, AccountID: 2, Email: "a@x.example"}
	for _, u := range []*user{a, b, c} {
		x.put(u)
	}
	if got := x.list(1); !slices.Equal(got, []*user{b, a}) {
		t.Errorf("list(1) = %v, want b, a (id order)", got)
	}
	if st.userByEmail(1, "A@X.example") != a || st.userByEmail(2, "a@x.example") != c || st.userByID(1, EncodeUserID("b@x.example")) != b {
		t.Errorf("names are per parent and case-insensitive")
	}
	if st.meta.nextID("user") != 10 {
		t.Errorf("the counter is not above the highest id put")
	}
	moved := &user{Seq: 5, AccountID: 2, Email: "m@x.example"} // replaces a
	x.put(moved)
	if x.get(5) != moved || st.userByEmail(1, "a@x.example") != nil || !slices.Equal(x.list(1), []*user{b}) || !slices.Equal(x.list(2), []*user{moved, c}) {
		t.Errorf("a replaced entity left a trace: list(1)=%v list(2)=%v", x.list(1), x.list(2))
	}
	x.del(b)
	x.del(b) // twice: nothing
	if x.get(2) != nil || len(x.idsOf(1)) != 0 || x.len() != 2 {
		t.Errorf("after del: get=%v ids(1)=%v len=%d", x.get(2), x.idsOf(1), x.len())
	}
	x.delAll(2)
	if x.len() != 0 || len(x.ids) != 0 || len(x.named) != 0 || len(x.by) != 0 {
		t.Errorf("after delAll: %d held, ids %v, %d names, %d parents", x.len(), x.ids, len(x.named), len(x.by))
	}
	for _, kind := range []string{"meta", "account", "app", "workspace", "audience", "feed", "outcfg", "sub", "user", "dp", "service", "filter", "ca", "token", "cred"} {
		if _, ok := st.kinds[kind]; !ok {
			t.Errorf("kind %q is not registered", kind)
		}
	}
	if _, err := st.kind("bogus/1").decode("1", []byte(`{}`)); err == nil {
		t.Errorf("a record of no known kind decoded")
	}
}
