package vipbgp

import (
	"time"

	api "github.com/osrg/gobgp/v3/api"
)

// deferral is GoBGP's selection deferral: after a session with graceful
// restart comes up, updates wait for the peer's End-of-RIB at most this
// long. GoBGP turns 0 into 360 s.
const deferral = time.Second

// connectRetry is how long the speaker waits between attempts to connect
// to a peer (GoBGP waits between once and twice this), instead of BGP's
// usual 120 s, so that a router that comes back gets the VIPs soon.
const connectRetry = 5 * time.Second

// peer is the GoBGP configuration of p: both unicast families, graceful
// restart as configured, connecting out to p's port every connectRetry.
func (s *settings) peer(p Peer) *api.Peer {
	gr := s.GracefulRestart.Enabled
	port := uint32(p.Port)
	if port == 0 {
		port = 179
	}
	out := &api.Peer{
		Conf:      &api.PeerConf{NeighborAddress: p.Address.String(), PeerAsn: p.ASN, AuthPassword: p.Password},
		Transport: &api.Transport{RemotePort: port},
		Timers:    &api.Timers{Config: &api.TimersConfig{ConnectRetry: uint64(connectRetry / time.Second)}},
	}
	if p.MultihopTTL > 0 {
		out.EbgpMultihop = &api.EbgpMultihop{Enabled: true, MultihopTtl: uint32(p.MultihopTTL)}
	}
	if gr {
		// LocalRestarting sets the Restart State and Forwarding State
		// bits of the OPEN (see the package doc); the deferral is how
		// long GoBGP then holds updates back waiting for the peer's
		// End-of-RIB.
		out.GracefulRestart = &api.GracefulRestart{Enabled: true, RestartTime: s.restartSecs,
			LocalRestarting: true, DeferralTime: uint32(deferral / time.Second)}
	}
	for _, f := range []*api.Family{
		{Afi: api.Family_AFI_IP, Safi: api.Family_SAFI_UNICAST},
		{Afi: api.Family_AFI_IP6, Safi: api.Family_SAFI_UNICAST},
	} {
		afi := &api.AfiSafi{Config: &api.AfiSafiConfig{Family: f, Enabled: true}}
		if gr {
			afi.MpGracefulRestart = &api.MpGracefulRestart{Config: &api.MpGracefulRestartConfig{Enabled: true}}
		}
		out.AfiSafis = append(out.AfiSafis, afi)
	}
	return out
}
