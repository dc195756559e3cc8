package ui_test

import "github.com/mpconsole/mpconsole/ui"

func uiOptionsReadOnly() ui.Options { return ui.Options{ReadOnly: true} }
