package vipbgp

import (
	"context"
	"net/netip"
	"time"

	api "github.com/osrg/gobgp/v3/api"
)

// SessionState is the state of the session with a peer: one of the BGP
// finite state machine's (RFC 4271 8.2.2), or one of the announcer's own
// before and after the speaker runs.
type SessionState string

// The session states Peers reports.
const (
	// StateNotRunning: Run has not started the speaker yet.
	StateNotRunning SessionState = "not running"
	// StateWaitingForSync: the speaker runs, but the first Commit has not
	// come, so the session is not opened (the sync gate).
	StateWaitingForSync SessionState = "waiting for sync"
	// StateStopped: Run has stopped the speaker.
	StateStopped     SessionState = "stopped"
	StateIdle        SessionState = "Idle"        // RFC 4271 Idle
	StateConnect     SessionState = "Connect"     // RFC 4271 Connect
	StateActive      SessionState = "Active"      // RFC 4271 Active
	StateOpenSent    SessionState = "OpenSent"    // RFC 4271 OpenSent
	StateOpenConfirm SessionState = "OpenConfirm" // RFC 4271 OpenConfirm
	StateEstablished SessionState = "Established" // RFC 4271 Established
)

// PeerState is the session with a configured peer.
type PeerState struct {
	// Address is the peer's address, as configured.
	Address netip.Addr
	// ASN is the peer's AS number, as configured.
	ASN uint32
	// State is the session's state.
	State SessionState
	// Since is when the session entered State, as far as the speaker
	// knows: the time it was established or went down, else the time the
	// peer was added (or the announcer created).
	Since time.Time
	// LastError is the last reason the session went down, or the last
	// failure to add the peer; empty if none.
	LastError string
}

// sessionState names GoBGP's session state; false for one it does not
// define.
func sessionState(s api.PeerState_SessionState) (SessionState, bool) {
	switch s {
	case api.PeerState_IDLE:
		return StateIdle, true
	case api.PeerState_CONNECT:
		return StateConnect, true
	case api.PeerState_ACTIVE:
		return StateActive, true
	case api.PeerState_OPENSENT:
		return StateOpenSent, true
	case api.PeerState_OPENCONFIRM:
		return StateOpenConfirm, true
	case api.PeerState_ESTABLISHED:
		return StateEstablished, true
	}
	return "", false
}

// Peers reports the session with each configured peer, in the order of
// Config.Peers.
func (a *Announcer) Peers() []PeerState {
	a.mu.Lock()
	defer a.mu.Unlock()
	live := map[string]*api.Peer{}
	if a.srv != nil && a.committed {
		_ = a.srv.ListPeer(context.Background(), &api.ListPeerRequest{}, func(p *api.Peer) {
			live[p.GetConf().GetNeighborAddress()] = p
		})
	}
	out := make([]PeerState, 0, len(a.cfg.Peers))
	for _, p := range a.cfg.Peers {
		st := PeerState{Address: p.Address, ASN: p.ASN, Since: a.created, LastError: a.peerErr[p.Address]}
		if at, ok := a.addedAt[p.Address]; ok {
			st.Since = at
		}
		if a.log != nil && st.LastError == "" {
			st.LastError = a.log.lastDown(p.Address.String())
		}
		switch {
		case !a.started:
			st.State = StateNotRunning
		case a.stopped:
			st.State = StateStopped
		case a.srv == nil:
			st.State = StateNotRunning
		case !a.committed:
			st.State = StateWaitingForSync
		default:
			st.State = StateIdle
			if lp, ok := live[p.Address.String()]; ok {
				if s, ok := sessionState(lp.GetState().GetSessionState()); ok {
					st.State = s
				}
				timers := lp.GetTimers().GetState()
				switch {
				case st.State == StateEstablished && timers.GetUptime() != nil:
					st.Since = timers.GetUptime().AsTime()
				case timers.GetDowntime() != nil && timers.GetDowntime().GetSeconds() > 0:
					st.Since = timers.GetDowntime().AsTime()
				}
			}
		}
		out = append(out, st)
	}
	return out
}
