package ipam

// ComparePrefixes is the pool's prefix order, for the tests.
var ComparePrefixes = comparePrefixes
