package views

import (
	"testing"
)

func TestCommonAndCmds(t *testing.T) {
	var c Common
	c.SetSize(-3, 7)
	if c.Width != 0 || c.Height != 7 {
		t.Fatalf("SetSize: %+v", c)
	}
	if m, ok := ErrorCmd(errTest)().(ErrorMsg); !ok || m.Err != errTest {
		t.Fatal("ErrorCmd")
	}
	if m, ok := NoticeCmd("hi")().(NoticeMsg); !ok || m.Text != "hi" {
		t.Fatal("NoticeCmd")
	}
}

type testErr struct{}

func (testErr) Error() string { return "test" }

var errTest error = testErr{}
