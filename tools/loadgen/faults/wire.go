package faults

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
)

// errInjected is what a faulted connection returns to the broker.
var errInjected = errors.New("faults: connection closed by the schedule")

// produceKey is the Kafka API key of produce requests.
const produceKey = 0

// maxFrame bounds the request frames a connection accepts: larger than any
// request Sarama sends (MaxRequestSize is 100 MiB).
const maxFrame = 128 << 20

// listener hands the broker connections that apply the connection faults.
type listener struct {
	net.Listener
	c *Cluster
}

// listen is kfake's listen function: loopback only, faulted connections.
func (c *Cluster) listen(network, address string) (net.Listener, error) {
	port := "0"
	if i := strings.LastIndexByte(address, ':'); i >= 0 {
		port = address[i+1:]
	}
	l, err := net.Listen(network, net.JoinHostPort("127.0.0.1", port))
	if err != nil {
		return nil, err
	}
	return &listener{Listener: l, c: c}, nil
}

func (l *listener) Accept() (net.Conn, error) {
	conn, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return newConn(conn, l.c), nil
}

// conn is a broker's side of a client connection. A goroutine reads whole
// request frames from the client ahead of the broker, so that a client
// closing the connection is seen even while the broker waits to write a
// held response; the broker reads those frames through Read.
type conn struct {
	net.Conn
	c *Cluster

	frames chan []byte   // requests read from the client, in order
	rest   []byte        // what Read has not yet returned of the current frame
	closed chan struct{} // closed once the connection is, by either side
	once   sync.Once

	mu      sync.Mutex
	pending map[int32]Fault // correlation ID -> fault of its response
}

func newConn(nc net.Conn, c *Cluster) *conn {
	cn := &conn{
		Conn:    nc,
		c:       c,
		frames:  make(chan []byte, 16),
		closed:  make(chan struct{}),
		pending: map[int32]Fault{},
	}
	go cn.readFrames()
	return cn
}

// readFrames reads requests until the connection ends, and deals the
// connection faults of produce requests.
func (cn *conn) readFrames() {
	defer cn.Close()
	for {
		frame, err := readFrame(cn.Conn)
		if err != nil {
			return
		}
		if len(frame) >= 12 && int16(binary.BigEndian.Uint16(frame[4:6])) == produceKey && cn.c.watching.Load() {
			corr := int32(binary.BigEndian.Uint32(frame[8:12]))
			switch f := cn.c.wire.deal(); f {
			case DropRequest:
				cn.c.stats.injected(f)
				return
			case DropResponse, HoldResponse:
				cn.mu.Lock()
				cn.pending[corr] = f
				cn.mu.Unlock()
			}
		}
		select {
		case cn.frames <- frame:
		case <-cn.closed:
			return
		}
	}
}

// readFrame reads one size-prefixed frame, size included.
func readFrame(r io.Reader) ([]byte, error) {
	var size [4]byte
	if _, err := io.ReadFull(r, size[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(size[:])
	if n > maxFrame {
		return nil, fmt.Errorf("faults: request frame of %d bytes", n)
	}
	frame := make([]byte, 4+n)
	copy(frame, size[:])
	if _, err := io.ReadFull(r, frame[4:]); err != nil {
		return nil, err
	}
	return frame, nil
}

// Read gives the broker the requests read ahead, and nothing once the
// connection is closed: requests behind a fault are lost with it.
func (cn *conn) Read(p []byte) (int, error) {
	for len(cn.rest) == 0 {
		select {
		case <-cn.closed:
			return 0, io.EOF
		case f := <-cn.frames:
			cn.rest = f
		}
	}
	n := copy(p, cn.rest)
	cn.rest = cn.rest[n:]
	return n, nil
}

// Write writes a response, or applies the fault dealt to its request. kfake
// writes each response whole in one call, after its size and correlation ID.
func (cn *conn) Write(b []byte) (int, error) {
	if len(b) >= 8 {
		corr := int32(binary.BigEndian.Uint32(b[4:8]))
		cn.mu.Lock()
		f, ok := cn.pending[corr]
		delete(cn.pending, corr)
		cn.mu.Unlock()
		switch {
		case !ok:
		case f == DropResponse:
			cn.c.stats.injected(f)
			cn.Close()
			return 0, errInjected
		case f == HoldResponse:
			cn.c.stats.injected(f)
			select {
			case <-cn.closed: // the client gave up on the response
			case <-cn.c.done:
			}
			cn.Close()
			return 0, errInjected
		}
	}
	return cn.Conn.Write(b)
}

func (cn *conn) Close() error {
	var err error
	cn.once.Do(func() {
		close(cn.closed)
		err = cn.Conn.Close()
	})
	return err
}
