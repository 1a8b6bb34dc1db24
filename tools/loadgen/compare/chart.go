package main

import (
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"os"
	"path/filepath"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// The chart has one panel per headline figure, one bar per variant, each
// bar labelled with its median; panels share nothing but the colours, so a
// figure where one variant is 10x the others still reads.

var chartFigures = []string{"msgs_per_s", "alloc_bytes", "peak_heap_inuse_bytes", "peak_heap_growth_bytes", "gc_cycles"}

var barColours = map[string]color.RGBA{
	"fork":     {0x2e, 0x7d, 0x32, 0xff},
	"upstream": {0x15, 0x65, 0xc0, 0xff},
	"legacy":   {0xc6, 0x28, 0x28, 0xff},
}

const (
	panelW, panelH = 260, 260
	margin         = 30
)

func (s *summary) writePNG(path string) error {
	img := image.NewRGBA(image.Rect(0, 0, panelW*len(chartFigures), panelH+margin))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	label(img, 10, 18, "sarama zstd: medians per variant (fork / upstream v1.61.1 / legacy v1.45.0)")
	for i, key := range chartFigures {
		s.panel(img, image.Rect(i*panelW, margin, (i+1)*panelW, margin+panelH), figureByKey(key))
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

func (s *summary) panel(img *image.RGBA, r image.Rectangle, f figure) {
	title := f.Label
	if f.Unit != "" {
		title += " (" + f.Unit + ")"
	}
	label(img, r.Min.X+10, r.Min.Y+15, title)
	top := 0.0
	for _, v := range s.Variants {
		if x := s.Medians[f.Key][v]; !math.IsNaN(x) {
			top = math.Max(top, x)
		}
	}
	base := r.Max.Y - 25
	height := float64(base - r.Min.Y - 45)
	barW := (panelW - 40) / max(len(s.Variants), 1)
	for i, v := range s.Variants {
		x0 := r.Min.X + 20 + i*barW
		label(img, x0+4, base+15, v)
		x := s.Medians[f.Key][v]
		if math.IsNaN(x) || top <= 0 {
			label(img, x0+4, base-5, "n/a")
			continue
		}
		h := int(height * x / top)
		c, ok := barColours[v]
		if !ok {
			c = color.RGBA{0x75, 0x75, 0x75, 0xff}
		}
		draw.Draw(img, image.Rect(x0+4, base-h, x0+barW-4, base), image.NewUniform(c), image.Point{}, draw.Src)
		label(img, x0+4, base-h-5, show(x/f.Scale))
	}
	draw.Draw(img, image.Rect(r.Min.X+15, base, r.Max.X-15, base+1), image.NewUniform(color.Black), image.Point{}, draw.Src)
}

func label(img *image.RGBA, x, y int, text string) {
	d := font.Drawer{Dst: img, Src: image.NewUniform(color.Black), Face: basicfont.Face7x13, Dot: fixed.P(x, y)}
	d.DrawString(text)
}

func figureByKey(key string) figure {
	for _, f := range figures {
		if f.Key == key {
			return f
		}
	}
	return figure{Key: key, Label: key, Scale: 1}
}
