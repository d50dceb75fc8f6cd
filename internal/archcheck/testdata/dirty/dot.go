package dirty

import . "time"

// Wait reads the clock through a dot import.
func Wait() {
	Sleep(Millisecond)      // want "uses time.Sleep (dot import)"
	<-After(Second)         // want "uses time.After (dot import)"
	timer := NewTimer(Hour) // want "uses time.NewTimer (dot import)"
	timer.Stop()
	for range Tick(Second) { // want "uses time.Tick (dot import)"
		break
	}
}
