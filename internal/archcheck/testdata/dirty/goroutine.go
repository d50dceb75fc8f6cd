package dirty

// Spawn starts goroutines, named and anonymous.
func Spawn(done chan struct{}) {
	go func() { close(done) }() // want "starts a goroutine"
	go Wait()                   // want "starts a goroutine"
}
