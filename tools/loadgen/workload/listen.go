package workload

import (
	"net"
	"strings"
)

// loopbackListen is kfake's listen function: whatever host kfake asks for,
// bind 127.0.0.1 so the embedded brokers are reachable from this machine
// only.
func loopbackListen(network, address string) (net.Listener, error) {
	port := "0"
	if i := strings.LastIndexByte(address, ':'); i >= 0 {
		port = address[i+1:]
	}
	return net.Listen(network, net.JoinHostPort("127.0.0.1", port))
}
