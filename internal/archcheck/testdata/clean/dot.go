package clean

import . "time"

// Later shadows dot-imported names with locals and struct keys.
func Later(at Time) Time {
	Now := at
	type timer struct{ After Duration }
	t := timer{After: Second}
	for _, Since := range []Duration{t.After} {
		Now = Now.Add(Since)
	}
	return Now
}
