package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"sarama-zstd.example/tools/loadgen/workload"
)

// By default the embedded cluster runs in a child process (this same
// binary with -serve-cluster). kfake keeps every produced batch in memory
// and allocates while serving requests; in the measured process that would
// be counted as the producers' allocations, GC cycles and heap, and dilute
// the differences between Sarama builds. In a child it still shares the
// machine's CPUs, as a local broker would, but not the Go runtime.

const clusterReadyPrefix = "cluster-addrs "

// serveCluster is the child's whole life: start kfake, announce its
// addresses on stdout, serve until stdin closes (the parent exited or
// stopped it), then shut down.
func serveCluster(brokers int) error {
	cl, err := workload.StartEmbedded(brokers)
	if err != nil {
		return err
	}
	defer cl.Close()
	if _, err := fmt.Printf("%s%s\n", clusterReadyPrefix, strings.Join(cl.Addrs, ",")); err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, os.Stdin)
	return nil
}

// childCluster is a kfake cluster served by a child process.
type childCluster struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	done  chan error
}

// startChildCluster starts the child and waits for its addresses.
func startChildCluster(brokers int) (*childCluster, []string, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, nil, err
	}
	cmd := exec.Command(exe, "-serve-cluster", strconv.Itoa(brokers))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, nil, fmt.Errorf("start cluster process: %w", err)
	}
	c := &childCluster{cmd: cmd, stdin: stdin, done: make(chan error, 1)}

	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		_, _ = io.Copy(io.Discard, stdout)
		c.done <- cmd.Wait()
	}()
	select {
	case line, ok := <-lines:
		if ok && strings.HasPrefix(line, clusterReadyPrefix) {
			return c, strings.Split(strings.TrimPrefix(line, clusterReadyPrefix), ","), nil
		}
		c.stop()
		return nil, nil, fmt.Errorf("cluster process did not start (said %q)", line)
	case <-time.After(30 * time.Second):
		c.stop()
		return nil, nil, errors.New("cluster process did not announce its addresses within 30s")
	}
}

// stop closes the child's stdin, its signal to shut down, and kills it if it
// has not exited shortly after.
func (c *childCluster) stop() {
	_ = c.stdin.Close()
	select {
	case <-c.done:
	case <-time.After(10 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.done
	}
}
