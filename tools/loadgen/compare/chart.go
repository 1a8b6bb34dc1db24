package main

import (
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// A scenario's chart has two rows, showing the same statistic as the
// table (see spread): a bar is a geometric mean, a whisker the lowest and
// highest, and each panel says so. On top, grouped bars: for each headline
// figure, every variant relative to upstream, the geometric mean of the
// rounds' ratios on a log scale (so that 8x and 1/50 read alike), with
// the lowest and highest round. Below, one panel per figure in its units,
// one bar per variant: the geometric mean of its runs, with the lowest and
// highest run; their quotient is the bar above.

// chartFigure is a headline figure of the chart.
type chartFigure struct {
	Key    string
	Group  string // its group on the relative row
	Title  string // its panel's title
	Better string // "higher" or "lower"
}

var chartFigures = []chartFigure{
	{"msgs_per_s", "throughput", "throughput (msg/s)", "higher"},
	{"cpu_us_per_msg", "CPU per message", "CPU per message (µs)", "lower"},
	{"alloc_bytes", "bytes allocated", "allocated while producing (MB)", "lower"},
	{"peak_heap_alloc_bytes", "peak heap", "peak heap (MB)", "lower"},
	{"idle_heap_growth_bytes", "idle heap over baseline", "idle heap over baseline (MB)", "lower"},
}

var barColours = map[string]color.RGBA{
	"fork":     {0x2e, 0x7d, 0x32, 0xff},
	"upstream": {0x15, 0x65, 0xc0, 0xff},
	"legacy":   {0xc6, 0x28, 0x28, 0xff},
}

func barColour(v string) color.Color {
	if c, ok := barColours[v]; ok {
		return c
	}
	return color.RGBA{0x75, 0x75, 0x75, 0xff}
}

// The picture: 12 x 8.5 inches at 100 dpi, 1200 x 850 pixels.
const (
	chartWidth  = 12 * vg.Inch
	chartHeight = 8.5 * vg.Inch
	chartDPI    = 100
)

// writePNG draws the scenario's chart into path.
func (s *summary) writePNG(path string) error {
	rel, err := s.relativePlot()
	if err != nil {
		return err
	}
	panels := make([]*plot.Plot, len(chartFigures))
	for i, f := range chartFigures {
		if panels[i], err = s.unitPlot(f); err != nil {
			return err
		}
	}

	img := vgimg.NewWith(vgimg.UseWH(chartWidth, chartHeight), vgimg.UseDPI(chartDPI))
	dc := draw.New(img)
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	split := chartHeight * 0.45 // the panels' row
	rel.Draw(draw.Crop(dc, vg.Points(6), vg.Points(-6), split, vg.Points(-6)))
	row := draw.Crop(dc, 0, 0, 0, split-chartHeight)
	tiles := draw.Tiles{
		Rows: 1, Cols: len(panels),
		PadX: vg.Points(14), PadTop: vg.Points(10), PadBottom: vg.Points(6),
		PadLeft: vg.Points(6), PadRight: vg.Points(6),
	}
	canvases := plot.Align([][]*plot.Plot{panels}, tiles, row)
	for i, p := range panels {
		p.Draw(canvases[0][i])
	}

	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(f); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// relative returns, for the top row, the ratio variant/reference of every
// chart figure over the rounds (as in the table), and their labels ("n/a"
// where there is none: a figure the variant does not report or a
// non-positive one). The reference is upstream, or without it the first
// variant.
func (s *summary) relative(v string) (ratios []spread, labels []string, ref string) {
	ref = "upstream"
	if !s.has(ref) {
		ref = s.Variants[0]
	}
	for _, f := range chartFigures {
		r := spread{Center: 1, Lo: 1, Hi: 1, N: 1}
		if v != ref {
			r = s.Ratios[f.Key][[2]string{v, ref}]
		}
		if !(r.Center > 0) {
			ratios, labels = append(ratios, spread{}), append(labels, "n/a")
			continue
		}
		ratios, labels = append(ratios, r), append(labels, showRatio(r.Center)+"x"+dagger(r))
	}
	return ratios, labels, ref
}

func (s *summary) relativePlot() (*plot.Plot, error) {
	p := plot.New()
	_, _, ref := s.relative(s.Variants[0])
	p.Title.Text = fmt.Sprintf("%s: %s\nrelative to %s (= 1x, log scale): geometric mean of %s' ratios, whiskers from the lowest to the highest round",
		s.Scenario.Name, s.Scenario.Title, s.Labels[ref], s.rounds())
	p.Title.TextStyle.Font.Size = vg.Points(12)
	p.Y.Label.Text = "x " + s.Labels[ref]
	groups := make([]string, len(chartFigures))
	for i, f := range chartFigures {
		groups[i] = fmt.Sprintf("%s\n(%s is better)", f.Group, f.Better)
	}
	p.NominalX(groups...)
	p.X.Min, p.X.Max = -0.5, float64(len(groups))-0.5
	grid := plotter.NewGrid()
	grid.Vertical.Color = nil
	p.Add(grid)

	var shown []string // the reference is the 1x line, not bars
	for _, v := range s.Variants {
		if v != ref {
			shown = append(shown, v)
		}
	}
	width := vg.Points(100 / float64(max(len(shown), 1)))
	lo, hi := -1.0, 1.0
	for j, v := range shown {
		ratios, labels, _ := s.relative(v)
		heights := make([]float64, len(ratios))
		tips := make([]float64, len(ratios)) // the labels' height: the whisker's end
		var ws whiskers
		for i, r := range ratios {
			if r.N == 0 {
				continue
			}
			heights[i], tips[i] = math.Log2(r.Center), math.Log2(r.Hi)
			if r.Center < 1 {
				tips[i] = math.Log2(r.Lo)
			}
			ws.add(float64(i), math.Log2(r.Lo), math.Log2(r.Hi))
			lo, hi = math.Min(lo, math.Log2(r.Lo)), math.Max(hi, math.Log2(r.Hi))
		}
		bars, err := plotter.NewBarChart(plotter.Values(heights), width)
		if err != nil {
			return nil, err
		}
		bars.Color = barColour(v)
		bars.LineStyle.Width = 0
		bars.Offset = width * vg.Length(float64(j)-float64(len(shown)-1)/2)
		ws.Offset = bars.Offset
		p.Add(bars, &ws)
		p.Legend.Add(s.Labels[v], bars)
		lbl, err := barLabels(tips, labels, 0, bars.Offset)
		if err != nil {
			return nil, err
		}
		p.Add(lbl...)
	}
	// Room below for the labels of falling bars, above for the legend.
	lo, hi = math.Floor(lo)-0.6, math.Ceil(hi)
	p.Y.Min, p.Y.Max = lo, hi+0.6+0.2*(hi-lo)
	p.Y.Tick.Marker = plot.TickerFunc(powerOfTwoTicks)
	p.Legend.Top = true
	p.Legend.Left = true
	p.Legend.XOffs = vg.Points(8)
	p.Legend.TextStyle.Font.Size = vg.Points(11)
	return p, nil
}

// powerOfTwoTicks marks the log2 axis at every power of two as a factor:
// "1x", "2x", "1/4x".
func powerOfTwoTicks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	step := 1.0
	if hi-lo > 14 {
		step = 2
	}
	for k := math.Ceil(lo/step) * step; k <= hi; k += step {
		ticks = append(ticks, plot.Tick{Value: k, Label: factorLabel(k)})
	}
	return ticks
}

// factorLabel names 2^k as a factor.
func factorLabel(k float64) string {
	if k >= 0 {
		return fmt.Sprintf("%.0fx", math.Exp2(k))
	}
	return fmt.Sprintf("1/%.0fx", math.Exp2(-k))
}

// unitPlot is the panel of one figure in its units: a bar per variant,
// the geometric mean of its runs (the median where a run's value is not
// positive, marked †), with a whisker from the lowest to the highest run.
func (s *summary) unitPlot(cf chartFigure) (*plot.Plot, error) {
	f := figureByKey(cf.Key)
	p := plot.New()
	p.Title.Text = cf.Title + "\ngeometric mean, lowest-highest run"
	p.Title.TextStyle.Font.Size = vg.Points(10)
	p.Y.Label.Text = f.Unit
	names := make([]string, len(s.Variants))
	hi, lo := 0.0, 0.0
	var ws whiskers
	for j, v := range s.Variants {
		names[j] = s.Labels[v]
		x := s.Values[cf.Key][v]
		c := x.Center / f.Scale
		label := show(c) + dagger(x)
		if math.IsNaN(c) {
			c = 0
		} else {
			ws.add(float64(j), x.Lo/f.Scale, x.Hi/f.Scale)
			hi, lo = math.Max(hi, x.Hi/f.Scale), math.Min(lo, x.Lo/f.Scale)
		}
		bars, err := plotter.NewBarChart(plotter.Values{c}, vg.Points(30))
		if err != nil {
			return nil, err
		}
		bars.XMin = float64(j)
		bars.Color = barColour(v)
		bars.LineStyle.Width = 0
		p.Add(bars)
		tip := c // the label above the whisker
		if !math.IsNaN(x.Hi) {
			tip = x.Hi / f.Scale
		}
		lbl, err := barLabels([]float64{tip}, []string{label}, float64(j), 0)
		if err != nil {
			return nil, err
		}
		p.Add(lbl...)
	}
	p.Add(&ws)
	p.NominalX(names...)
	p.X.Tick.Label.Rotation = math.Pi / 8
	p.X.Tick.Label.XAlign = draw.XRight
	p.Y.Min = lo * 1.15
	p.Y.Max = math.Max(hi*1.15, 1e-9)
	p.Y.Tick.Marker = plot.TickerFunc(plainTicks)
	return p, nil
}

// whiskers draw a vertical line with caps from lo to hi at each category,
// shifted by Offset like the bars they belong to.
type whiskers struct {
	X, Lo, Hi []float64
	Offset    vg.Length
}

func (w *whiskers) add(x, lo, hi float64) {
	w.X, w.Lo, w.Hi = append(w.X, x), append(w.Lo, lo), append(w.Hi, hi)
}

// Plot implements plot.Plotter.
func (w *whiskers) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	style := draw.LineStyle{Color: color.Black, Width: vg.Points(1)}
	capW := vg.Points(4)
	for i := range w.X {
		x := trX(w.X[i]) + w.Offset
		lo, hi := trY(w.Lo[i]), trY(w.Hi[i])
		c.StrokeLine2(style, x, lo, x, hi)
		c.StrokeLine2(style, x-capW, lo, x+capW, lo)
		c.StrokeLine2(style, x-capW, hi, x+capW, hi)
	}
}

// DataRange implements plot.DataRanger, so that the axes hold the whiskers.
func (w *whiskers) DataRange() (xmin, xmax, ymin, ymax float64) {
	if len(w.X) == 0 {
		return 0, 0, 0, 0
	}
	return slices.Min(w.X), slices.Max(w.X), slices.Min(w.Lo), slices.Max(w.Hi)
}

// plainTicks are gonum's default ticks labelled without padding zeros
// ("2500", not "2500.00").
func plainTicks(lo, hi float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(lo, hi)
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = strconv.FormatFloat(ticks[i].Value, 'g', 6, 64)
		}
	}
	return ticks
}

// barLabels writes each bar's label above it (below it for a negative
// bar), at category x0+i shifted by offset.
func barLabels(heights []float64, labels []string, x0 float64, offset vg.Length) ([]plot.Plotter, error) {
	var out []plot.Plotter
	for i, h := range heights {
		l, err := plotter.NewLabels(plotter.XYLabels{
			XYs:    plotter.XYs{{X: x0 + float64(i), Y: h}},
			Labels: []string{labels[i]},
		})
		if err != nil {
			return nil, err
		}
		l.TextStyle[0].XAlign = text.XCenter
		l.TextStyle[0].Font.Size = vg.Points(9)
		l.Offset = vg.Point{X: offset, Y: vg.Points(2)}
		if h < 0 {
			l.TextStyle[0].YAlign = text.YTop
			l.Offset.Y = -vg.Points(2)
		}
		out = append(out, l)
	}
	return out, nil
}

func figureByKey(key string) figure {
	for _, f := range figures {
		if f.Key == key {
			return f
		}
	}
	return figure{Key: key, Label: key, Scale: 1}
}
