// Package cnitest is the test kit of package cni: rapid generators of link
// and address histories, a model of what the machine must discover, the
// invariants, and the scenario files of the field incidents.
package cnitest
