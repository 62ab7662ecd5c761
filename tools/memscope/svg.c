/*
 * svg.c - a series as an SVG chart: Rss per class over time, stacked, with
 * axes and a legend.  Written by hand: the format is text, and a library
 * would cost more than these lines.
 */
#include "series.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { W = 900, H = 480, LEFT = 80, RIGHT = 170, TOP = 44, BOTTOM = 48 };

/* One colour a class, in enum order. */
static const char *const colours[MS_CLASS_COUNT] = {
	"#4e79a7", "#a0cbe8", "#f28e2b", "#ffbe7d", "#59a14f", "#8cd17d", "#b6992d",
	"#e15759", "#ff9d9a", "#79706e", "#bab0ac", "#d37295", "#9d7660", "#d7b5a6",
};

static uint64_t rss_of(const struct sum *t)
{
	uint64_t v = 0;

	series_get(t, MS_RSS, &v);
	return v;
}

/* 1, 2, 5 or 10 times a power of ten, at least v. */
static double round_up_nicely(double v)
{
	double step = 1;

	if (v <= 0)
		return 1;
	while (step * 10 < v)
		step *= 10;
	while (step > v * 10)
		step /= 10;
	for (double m = 1; m <= 10; m += m < 2 ? 1 : m < 5 ? 3 : 5)
		if (step * m >= v)
			return step * m;
	return step * 10;
}

/* A round top for the y axis in the unit its labels use (K, M, G). */
static double nice_top(double bytes)
{
	double unit = 1;

	while (bytes / unit >= 1024)
		unit *= 1024;
	return round_up_nicely(bytes / unit) * unit;
}

static void put_escaped(FILE *f, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
}

struct frame {
	double tmax, ymax;
	const struct series *s;
};

static double x_of(const struct frame *fr, double t)
{
	return LEFT + (W - LEFT - RIGHT) * (fr->tmax > 0 ? t / fr->tmax : 0);
}

static double y_of(const struct frame *fr, double bytes)
{
	return H - BOTTOM - (H - TOP - BOTTOM) * bytes / fr->ymax;
}

static void axes(FILE *f, const struct frame *fr)
{
	char buf[16];

	fprintf(f, "<g class=\"axes\" stroke=\"#888\" font-size=\"12\" fill=\"#333\">\n");
	for (int i = 0; i <= 5; i++) {
		double v = fr->ymax * i / 5, y = y_of(fr, v);

		fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke-opacity=\"0.3\"/>\n",
			LEFT, y, W - RIGHT, y);
		fprintf(f, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" stroke=\"none\">%s</text>\n",
			LEFT - 6, y + 4, human_size(buf, sizeof(buf), (uint64_t)v));
	}
	for (double step = round_up_nicely(fr->tmax / 5), t = 0; t <= fr->tmax * 1.0001; t += step)
		fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" stroke=\"none\">%gs</text>\n",
			x_of(fr, t), H - BOTTOM + 18, t);
	fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" stroke=\"none\">time (s)</text>\n",
		(LEFT + W - RIGHT) / 2, H - 8);
	fprintf(f, "<text x=\"16\" y=\"%d\" transform=\"rotate(-90 16 %d)\" text-anchor=\"middle\" "
		"stroke=\"none\">Rss</text>\n</g>\n", (TOP + H - BOTTOM) / 2, (TOP + H - BOTTOM) / 2);
}

/* The band of class c: its top edge left to right, then the top of the
 * bands below it right to left. */
static void band(FILE *f, const struct frame *fr, int c, const uint64_t *below)
{
	const struct series *s = fr->s;
	char buf[16];
	uint64_t peak = 0;

	fprintf(f, "<path class=\"series\" data-class=\"%s\" fill=\"%s\" fill-opacity=\"0.85\" "
		"stroke=\"%s\" d=\"", ms_class_name((enum ms_class)c), colours[c], colours[c]);
	for (size_t i = 0; i < s->n; i++) {
		uint64_t top = below[i] + rss_of(&s->v[i].classes[c]);

		fprintf(f, "%c%.1f %.1f ", i ? 'L' : 'M', x_of(fr, s->v[i].t), y_of(fr, (double)top));
		if (rss_of(&s->v[i].classes[c]) > peak)
			peak = rss_of(&s->v[i].classes[c]);
	}
	for (size_t i = s->n; i-- > 0;)
		fprintf(f, "L%.1f %.1f ", x_of(fr, s->v[i].t), y_of(fr, (double)below[i]));
	fprintf(f, "Z\"><title>%s: peak Rss %s</title></path>\n", ms_class_name((enum ms_class)c),
		human_size(buf, sizeof(buf), peak));
}

static void legend(FILE *f, int c, int row)
{
	int y = TOP + 8 + row * 20;

	fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>\n", W - RIGHT + 16,
		y, colours[c]);
	fprintf(f, "<text class=\"legend\" x=\"%d\" y=\"%d\" font-size=\"13\">%s</text>\n",
		W - RIGHT + 34, y + 11, ms_class_name((enum ms_class)c));
}

static void chart(FILE *f, const struct series *s, const char *title)
{
	struct frame fr = { .s = s };
	uint64_t *below = calloc(s->n ? s->n : 1, sizeof(*below));
	int rows = 0;

	for (size_t i = 0; i < s->n; i++) {
		if (s->v[i].t > fr.tmax)
			fr.tmax = s->v[i].t;
		if ((double)rss_of(&s->v[i].total) > fr.ymax)
			fr.ymax = (double)rss_of(&s->v[i].total);
	}
	fr.ymax = nice_top(fr.ymax);
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">\n", W, H, W, H);
	fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n<text x=\"%d\" y=\"26\" "
		"font-size=\"16\">", LEFT);
	put_escaped(f, title);
	fprintf(f, "</text>\n");
	axes(f, &fr);
	for (int c = 0; below && c < MS_CLASS_COUNT; c++) {
		bool any = false;

		for (size_t i = 0; i < s->n && !any; i++)
			any = rss_of(&s->v[i].classes[c]) > 0;
		if (!any)
			continue;
		band(f, &fr, c, below);
		legend(f, c, rows++);
		for (size_t i = 0; i < s->n; i++)
			below[i] += rss_of(&s->v[i].classes[c]);
	}
	fprintf(f, "</svg>");
	free(below);
}

int series_svg(const struct series *s, const char *title, const char *path)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int rc;

	if (!f)
		return -errno;
	chart(f, s, title);
	if (fclose(f) != 0) {
		free(text);
		return -ENOMEM;
	}
	rc = write_atomically(path, text);
	free(text);
	return rc;
}
