package vipbgp

import (
	api "github.com/osrg/gobgp/v3/api"
)

// peer is the GoBGP configuration of p: both unicast families, graceful
// restart as configured, connecting out to p's port.
func (s *settings) peer(p Peer) *api.Peer {
	gr := s.GracefulRestart.Enabled
	port := uint32(p.Port)
	if port == 0 {
		port = 179
	}
	out := &api.Peer{
		Conf:      &api.PeerConf{NeighborAddress: p.Address.String(), PeerAsn: p.ASN, AuthPassword: p.Password},
		Transport: &api.Transport{RemotePort: port},
	}
	if p.MultihopTTL > 0 {
		out.EbgpMultihop = &api.EbgpMultihop{Enabled: true, MultihopTtl: uint32(p.MultihopTTL)}
	}
	if gr {
		out.GracefulRestart = &api.GracefulRestart{Enabled: true, RestartTime: s.restartSecs}
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
