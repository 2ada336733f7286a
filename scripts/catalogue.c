// SPDX-License-Identifier: GPL-2.0
/*
 * The kill-switch catalogue for machines: JSON for fleet tools, and one
 * CSAF 2.0 VEX document per CVE.
 *
 * The switches come from the kernel's own list: scripts/catalogue.sh
 * writes bases.h, which includes each base's killswitch_list.h into a
 * table of its own, and compiles this file with it.  The words about
 * each switch (what a call meets while it is engaged, what keeps
 * working, the fallback for a kernel without the series) come from the
 * fields of its section in that base's admin guide, the catalogue
 * chapter of Documentation/admin-guide/killswitch.rst; a switch without
 * a section, or a fallback this program cannot read, is an error.
 *
 * Usage: catalogue json FILE
 *        catalogue vex DIR		(writes DIR/<CVE>.json)
 *
 * A VEX document already in DIR is a published one: it stays as it is
 * if nothing but its tracking would change, and otherwise gets the next
 * version and one more revision, as CSAF asks of a publisher.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct ks_switch {
	const char *name, *cves, *description;
};

/* One field of a switch's section: ":Name: body", continued lines joined. */
struct ks_field {
	char *name, *body;
};

#define MAX_FIELDS 16
#define MAX_SWITCHES 64

struct ks_doc {
	const char *name;
	struct ks_field fields[MAX_FIELDS];
	int nr_fields;
};

struct ks_base {
	const char *base;	/* 6.12 */
	const char *tag;	/* debian/6.12.117-1_deb12u1 */
	const char *commit;	/* the series' last commit */
	const char *date;	/* its committer date, ISO 8601 */
	const char *guide;	/* its Documentation/admin-guide/killswitch.rst */
	const char *abi;	/* Debian's stock kernel of the same version */
	const struct ks_switch *switches;
	int nr_switches;
	struct ks_doc docs[MAX_SWITCHES];
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define IS_ENABLED(option) 0
#include "bases.h"	/* ks_bases[], ks_livepatches[] */

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("catalogue: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		die("out of memory");
	return d;
}

/* @s with its reST markup taken out: ``literal``, `title`_, *emphasis*. */
static char *plain(const char *text)
{
	char *d = xstrdup(text), *o = d;
	const char *s;

	for (s = text; *s; s++) {
		if (*s == '`' || (*s == '_' && s > text && s[-1] == '`'))
			continue;
		*o++ = *s;
	}
	*o = '\0';
	return d;
}

/* --- the admin guide ----------------------------------------------------- */

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long len;

	if (!f)
		die("%s: %s", path, strerror(errno));
	if (fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		die("%s: cannot read", path);
	buf = malloc(len + 1);
	if (!buf || fread(buf, 1, len, f) != (size_t)len)
		die("%s: cannot read", path);
	buf[len] = '\0';
	fclose(f);
	return buf;
}

static int underlined(char **lines, int i, int nr, char c)
{
	const char *u = i + 1 < nr ? lines[i + 1] : "";

	if (!*lines[i] || !*u)
		return 0;
	while (*u == c)
		u++;
	return !*u;
}

static struct ks_doc *doc_of(struct ks_base *b, const char *name)
{
	int i;

	for (i = 0; i < b->nr_switches; i++)
		if (!strcmp(b->switches[i].name, name))
			return &b->docs[i];
	return NULL;
}

/* The fields of every section of the chapter "The catalogue". */
static void read_guide(struct ks_base *b)
{
	char *text = read_file(b->guide), *lines[8192];
	struct ks_field *field = NULL;
	struct ks_doc *doc = NULL;
	int nr = 0, i, in = 0;

	for (char *l = text; l && *l; nr++) {
		if (nr == (int)ARRAY_SIZE(lines))
			die("%s: too long", b->guide);
		lines[nr] = l;
		l = strchr(l, '\n');
		if (l)
			*l++ = '\0';
	}
	for (i = 0; i < nr; i++) {
		char *l = lines[i], *end;

		if (underlined(lines, i, nr, '=')) {
			in = !strcmp(l, "The catalogue");
			doc = NULL;
			i++;
			continue;
		}
		if (!in)
			continue;
		if (underlined(lines, i, nr, '-')) {
			doc = doc_of(b, l);
			if (!doc)
				die("%s: a section for '%s', which the list lacks",
				    b->guide, l);
			doc->name = b->switches[doc - b->docs].name;
			field = NULL;
			i++;
			continue;
		}
		if (!doc)
			continue;
		if (!*l)
			field = NULL;	/* the end of the field list */
		else if (l[0] == ':' && (end = strstr(l + 1, ": "))) {
			if (doc->nr_fields == MAX_FIELDS)
				die("%s: too many fields for '%s'", b->guide, doc->name);
			field = &doc->fields[doc->nr_fields++];
			*end = '\0';
			field->name = xstrdup(l + 1);
			field->body = xstrdup(end + 2);
		} else if (field && l[0] == ' ') {
			size_t len = strlen(field->body);

			while (*l == ' ')
				l++;
			field->body = realloc(field->body, len + strlen(l) + 2);
			if (!field->body)
				die("out of memory");
			sprintf(field->body + len, " %s", l);
		}
	}
	for (i = 0; i < b->nr_switches; i++)
		if (!b->docs[i].name)
			die("%s: no section for '%s' in the catalogue",
			    b->guide, b->switches[i].name);
}

static const char *field(const struct ks_doc *doc, const char *name)
{
	int i;

	for (i = 0; i < doc->nr_fields; i++)
		if (!strcmp(doc->fields[i].name, name))
			return doc->fields[i].body;
	return NULL;
}

/* --- JSON ------------------------------------------------------------------ */

static FILE *out;

static void jstr(const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(out, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(out, "\\u%04x", *s);
		else
			fputc(*s, out);
	}
	fputc('"', out);
}

/* A field's text without markup, or null. */
static void jfield(const struct ks_doc *doc, const char *name)
{
	const char *body = field(doc, name);
	char *p;

	if (!body) {
		fputs("null", out);
		return;
	}
	p = plain(body);
	jstr(p);
	free(p);
}

/* The CVEs of @cves (separated by spaces) as a JSON array. */
static void jcves(const char *cves)
{
	char *list = xstrdup(cves), *cve, *save;
	const char *sep = "";

	fputc('[', out);
	for (cve = strtok_r(list, " ", &save); cve; cve = strtok_r(NULL, " ", &save)) {
		fprintf(out, "%s", sep);
		jstr(cve);
		sep = ", ";
	}
	fputc(']', out);
	free(list);
}

static int has_livepatch(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ks_livepatches); i++)
		if (!strcmp(ks_livepatches[i] + strlen("killswitch_"), name))
			return 1;
	return 0;
}

/*
 * The fallback's settings: the ``literals`` of its field, each a module
 * install line or a sysctl; "none: why" for none.
 */
static void jfallback(const struct ks_base *b, const struct ks_doc *doc)
{
	const char *body = field(doc, "Fallback"), *p, *end;
	const char *sep = "";
	char *why;

	if (!body)
		die("%s: no Fallback field for '%s'", b->guide, doc->name);
	fputs("{\"settings\": [", out);
	if (!strncmp(body, "none: ", 6)) {
		why = plain(body + 6);
		fputs("], \"none\": ", out);
		jstr(why);
		free(why);
		fputs(", \"stops_working\": null}", out);
		return;
	}
	for (p = body; (p = strstr(p, "``")); p = end + 2) {
		char *lit, *eq, mod[64];

		end = strstr(p + 2, "``");
		if (!end)
			die("%s: '%s': unclosed literal in Fallback", b->guide, doc->name);
		lit = strndup(p + 2, end - p - 2);
		if (!lit)
			die("out of memory");
		fputs(sep, out);
		if (sscanf(lit, "install %63s /bin/false", mod) == 1 &&
		    !strcmp(strchr(lit, '/'), "/bin/false")) {
			fputs("{\"kind\": \"modprobe\", \"module\": ", out);
			jstr(mod);
			fputs(", \"line\": ", out);
			jstr(lit);
		} else if ((eq = strchr(lit, '=')) && eq > lit && eq[1] &&
			   !strchr(lit, ' ')) {
			*eq = '\0';
			fputs("{\"kind\": \"sysctl\", \"name\": ", out);
			jstr(lit);
			fputs(", \"value\": ", out);
			jstr(eq + 1);
		} else {
			die("%s: '%s': Fallback '%s' is neither 'install <module> /bin/false' nor <sysctl>=<value>",
			    b->guide, doc->name, lit);
		}
		fputc('}', out);
		free(lit);
		sep = ", ";
	}
	if (!*sep)
		die("%s: '%s': Fallback names no setting and is not 'none: ...'",
		    b->guide, doc->name);
	fputs("], \"none\": null, \"stops_working\": ", out);
	jfield(doc, "Fallback stops working");
	fputc('}', out);
}

static void json_switch(const struct ks_base *b, int i)
{
	const struct ks_switch *s = &b->switches[i];
	const struct ks_doc *doc = &b->docs[i];

	fputs("        {\"name\": ", out);
	jstr(s->name);
	fputs(", \"cves\": ", out);
	jcves(s->cves);
	fputs(",\n         \"closes\": ", out);
	jstr(s->description);
	fprintf(out, ",\n         \"sysctl\": \"kernel.killswitch.%s\", "
		"\"boot_parameter\": \"disable_%s\",\n", s->name, s->name);
	fputs("         \"refused\": ", out);
	jfield(doc, "Refused");
	fputs(",\n         \"slowed\": ", out);
	jfield(doc, "Slowed");
	fputs(",\n         \"keeps_working\": ", out);
	jfield(doc, "Keeps working");
	fputs(",\n         \"verify\": ", out);
	jfield(doc, "Verify");
	fputs(",\n         \"disengage_when\": ", out);
	jfield(doc, "Disengage when");
	fputs(",\n         \"livepatch\": ", out);
	if (has_livepatch(s->name))
		fprintf(out, "{\"module\": \"killswitch_%s\", \"kernel\": \"%s\"}",
			s->name, b->abi);
	else
		fputs("null", out);
	fputs(",\n         \"fallback\": ", out);
	jfallback(b, doc);
	fputc('}', out);
}

static void write_json(void)
{
	size_t i;
	int j;

	fputs("{\n  \"format\": \"killswitch-catalogue\",\n  \"version\": 1,\n"
	      "  \"bases\": [\n", out);
	for (i = 0; i < ARRAY_SIZE(ks_bases); i++) {
		const struct ks_base *b = &ks_bases[i];

		fprintf(out, "    {\"base\": \"%s\", \"tag\": \"%s\", \"commit\": \"%s\","
			" \"stock_kernel\": \"%s\",\n     \"switches\": [\n",
			b->base, b->tag, b->commit, b->abi);
		for (j = 0; j < b->nr_switches; j++) {
			json_switch(b, j);
			fputs(j + 1 < b->nr_switches ? ",\n" : "\n", out);
		}
		fprintf(out, "     ]}%s\n", i + 1 < ARRAY_SIZE(ks_bases) ? "," : "");
	}
	fputs("  ]\n}\n", out);
}

/* --- CSAF VEX ---------------------------------------------------------------- */

static int lists_cve(const struct ks_switch *s, const char *cve)
{
	size_t len = strlen(cve);
	const char *p;

	for (p = s->cves; (p = strstr(p, cve)); p += len)
		if ((p == s->cves || p[-1] == ' ') && (!p[len] || p[len] == ' '))
			return 1;
	return 0;
}

/* ", " between the items of a JSON list, none before the first. */
static void next(int *first)
{
	if (!*first)
		fputs(", ", out);
	*first = 0;
}

/* The same, for items on lines of their own. */
static void next_line(int *first, const char *indent)
{
	fprintf(out, "%s\n%s", *first ? "" : ",", indent);
	*first = 0;
}

/* Does @b's stock kernel have a live patch of a switch that lists @cve? */
static int livepatch_for(const struct ks_base *b, const char *cve)
{
	int j;

	for (j = 0; j < b->nr_switches; j++)
		if (lists_cve(&b->switches[j], cve) && has_livepatch(b->switches[j].name))
			return 1;
	return 0;
}

/* A document's version, its release dates and its earlier revisions. */
struct ks_tracking {
	int version;
	const char *initial, *current;
	const char *history;	/* the earlier revisions' objects, or NULL */
};

/*
 * One document: the series on each base and each stock kernel with a live
 * patch are known_affected (the switch does not fix the bug), and each
 * switch that lists @cve is a remediation of category workaround.
 */
static void write_vex(const char *cve, const struct ks_base *first_base,
		      const struct ks_tracking *t)
{
	int first, j;
	size_t i;

	fputs("{\n  \"document\": {\n    \"category\": \"csaf_vex\",\n"
	      "    \"csaf_version\": \"2.0\",\n    \"lang\": \"en\",\n", out);
	fputs("    \"notes\": [{\"category\": \"summary\", \"title\": \"Kill switches\", "
	      "\"text\": \"The kill-switch series closes the path of this vulnerability"
	      " at run time, without a reboot, until a kernel with the fix is"
	      " booted.  The kernels listed remain affected: the switch is a"
	      " workaround, not a fix.\"}],\n", out);
	fputs("    \"publisher\": {\"category\": \"other\", \"name\": \"Kill Switch Developers\","
	      " \"namespace\": \"https://lists.invalid/killswitch\"},\n", out);
	fputs("    \"title\": ", out);
	{
		char title[128];

		snprintf(title, sizeof(title), "Kill switches for %s", cve);
		jstr(title);
	}
	fprintf(out, ",\n    \"tracking\": {\n      \"id\": \"killswitch-%s\",\n"
		"      \"status\": \"final\",\n      \"version\": \"%d\",\n"
		"      \"initial_release_date\": \"%s\",\n"
		"      \"current_release_date\": \"%s\",\n"
		"      \"revision_history\": [%s%s{\"date\": \"%s\", \"number\": \"%d\","
		" \"summary\": \"%s\"}],\n"
		"      \"generator\": {\"engine\": {\"name\": \"scripts/catalogue.c\"}}\n"
		"    }\n  },\n", cve, t->version, t->initial, t->current,
		t->history ?: "", t->history ? ", " : "", t->current, t->version,
		t->history ? "Generated again: the kernels or the remediations changed."
			   : "Generated from the series' list of switches.");

	/* The products: the series on each base, each stock kernel with a live patch. */
	fputs("  \"product_tree\": {\"full_product_names\": [", out);
	first = 1;
	for (i = 0; i < ARRAY_SIZE(ks_bases); i++) {
		const struct ks_base *b = &ks_bases[i];

		next_line(&first, "    ");
		fprintf(out, "{\"product_id\": \"killswitch-%s\", \"name\": "
			"\"Linux %s (%s) with the kill-switch series\"}",
			b->base, b->base, b->tag);
		if (livepatch_for(b, cve)) {
			next_line(&first, "    ");
			fprintf(out, "{\"product_id\": \"debian-%s\", \"name\": "
				"\"Debian linux-image-%s\"}", b->abi, b->abi);
		}
	}
	fputs("\n  ]},\n", out);

	fprintf(out, "  \"vulnerabilities\": [{\n    \"cve\": \"%s\",\n", cve);
	fputs("    \"notes\": [", out);
	first = 1;
	for (j = 0; j < first_base->nr_switches; j++) {
		const struct ks_switch *s = &first_base->switches[j];
		char text[512];

		if (!lists_cve(s, cve))
			continue;
		next(&first);
		snprintf(text, sizeof(text), "%s closes: %s.", s->name, s->description);
		fputs("{\"category\": \"description\", \"title\": ", out);
		jstr(s->name);
		fputs(", \"text\": ", out);
		jstr(text);
		fputc('}', out);
	}
	fputs("],\n    \"product_status\": {\"known_affected\": [", out);
	first = 1;
	for (i = 0; i < ARRAY_SIZE(ks_bases); i++) {
		const struct ks_base *b = &ks_bases[i];

		next(&first);
		fprintf(out, "\"killswitch-%s\"", b->base);
		if (livepatch_for(b, cve)) {
			next(&first);
			fprintf(out, "\"debian-%s\"", b->abi);
		}
	}
	fputs("]},\n    \"remediations\": [", out);
	first = 1;
	for (i = 0; i < ARRAY_SIZE(ks_bases); i++) {
		const struct ks_base *b = &ks_bases[i];

		for (j = 0; j < b->nr_switches; j++) {
			const struct ks_switch *s = &b->switches[j];
			const struct ks_doc *doc = &b->docs[j];
			const char *effect = field(doc, "Refused");
			char text[4096], *what;

			if (!lists_cve(s, cve))
				continue;
			what = plain(effect ? effect : field(doc, "Slowed") ?: "");
			snprintf(text, sizeof(text),
				 "Engage the kill switch %s now: sysctl kernel.killswitch.%s=1"
				 " (persist it in /etc/sysctl.d/).  For the next boot, add"
				 " disable_%s to the kernel command line.  %s while engaged: %s",
				 s->name, s->name, s->name,
				 effect ? "Refused" : "Slowed", what);
			free(what);
			next_line(&first, "      ");
			fputs("{\"category\": \"workaround\", \"details\": ", out);
			jstr(text);
			fprintf(out, ",\n       \"product_ids\": [\"killswitch-%s\"]}", b->base);
			if (!has_livepatch(s->name))
				continue;
			snprintf(text, sizeof(text),
				 "Load the live patch of the kill switch %s, built for"
				 " this kernel: modprobe killswitch_%s (list it in"
				 " /etc/modules-load.d/ to load it at boot).  It does"
				 " what the switch does and counts its hits in"
				 " /sys/module/killswitch_%s/parameters/hits.",
				 s->name, s->name, s->name);
			next_line(&first, "      ");
			fputs("{\"category\": \"workaround\", \"details\": ", out);
			jstr(text);
			fprintf(out, ",\n       \"product_ids\": [\"debian-%s\"]}", b->abi);
		}
	}
	fputs("\n    ]\n  }]\n}\n", out);
}

/* Are @a and @b the same but for their tracking, what a revision changes? */
static int same_but_tracking(const char *a, const char *b, const char *path)
{
	const char *key = "\n    \"tracking\": {\n", *end = "\n    }\n";
	const char *ta = strstr(a, key), *tb = strstr(b, key);
	const char *ea = ta ? strstr(ta, end) : NULL, *eb = tb ? strstr(tb, end) : NULL;

	if (!ea || !eb)
		die("%s: no tracking: not a document of this program's", path);
	return ta - a == tb - b && !strncmp(a, b, ta - a) && !strcmp(ea, eb);
}

/* The text after "@key": [ or " in @doc, up to the ] or " that ends it. */
static char *old_value(const char *doc, const char *key, const char *path)
{
	char pattern[64];
	const char *s, *e = NULL;
	char *v;

	snprintf(pattern, sizeof(pattern), "\"%s\": ", key);
	s = strstr(doc, pattern);
	if (s) {
		s += strlen(pattern) + 1;
		e = s[-1] == '[' ? strstr(s, "],\n") : s[-1] == '"' ? strchr(s, '"') : NULL;
	}
	if (!e)
		die("%s: no %s: not a document of this program's", path, key);
	v = strndup(s, e - s);
	if (!v)
		die("out of memory");
	return v;
}

static char *vex_text(const char *cve, const struct ks_tracking *t, size_t *len)
{
	char *doc;

	out = open_memstream(&doc, len);
	if (!out)
		die("out of memory");
	write_vex(cve, &ks_bases[0], t);
	if (fclose(out))
		die("out of memory");
	return doc;
}

/*
 * Write @cve's document to @path.  One already there keeps its tracking
 * if the rest is unchanged, else gets the next version and revision,
 * dated no earlier than its last.
 */
static void write_vex_file(const char *cve, const char *path)
{
	const char *date = ks_bases[0].date;
	struct ks_tracking t = { 1, date, date, NULL };
	char *doc, *old = NULL, *version, *initial, *current, *history;
	size_t len;
	FILE *f;

	if (access(path, F_OK) == 0)
		old = read_file(path);
	doc = vex_text(cve, &t, &len);
	if (old) {
		if (same_but_tracking(old, doc, path)) {
			free(doc);
			free(old);
			return;
		}
		version = old_value(old, "version", path);
		initial = old_value(old, "initial_release_date", path);
		current = old_value(old, "current_release_date", path);
		history = old_value(old, "revision_history", path);
		t.version = atoi(version) + 1;
		t.initial = initial;
		t.current = strcmp(date, current) < 0 ? current : date;
		t.history = history;
		free(doc);
		doc = vex_text(cve, &t, &len);
		free(version);
		free(initial);
		free(current);
		free(history);
		free(old);
	}
	f = fopen(path, "w");
	if (!f || fwrite(doc, 1, len, f) != len || fclose(f))
		die("%s: %s", path, strerror(errno));
	free(doc);
}

static void write_vexes(const char *dir)
{
	char path[4096], seen[8192] = " ";
	size_t i;
	int j;

	for (i = 0; i < ARRAY_SIZE(ks_bases); i++) {
		for (j = 0; j < ks_bases[i].nr_switches; j++) {
			char *list = xstrdup(ks_bases[i].switches[j].cves), *cve, *save;

			for (cve = strtok_r(list, " ", &save); cve;
			     cve = strtok_r(NULL, " ", &save)) {
				char key[64];

				snprintf(key, sizeof(key), " %s ", cve);
				if (strstr(seen, key))
					continue;
				if (strlen(seen) + strlen(cve) + 2 >= sizeof(seen))
					die("too many CVEs");
				strcat(seen, cve);
				strcat(seen, " ");
				if (snprintf(path, sizeof(path), "%s/%s.json", dir, cve) >=
				    (int)sizeof(path))
					die("%s: too long", dir);
				write_vex_file(cve, path);
			}
			free(list);
		}
	}
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc != 3 || (strcmp(argv[1], "json") && strcmp(argv[1], "vex")))
		die("usage: catalogue json FILE | catalogue vex DIR");
	for (i = 0; i < ARRAY_SIZE(ks_bases); i++)
		read_guide(&ks_bases[i]);
	if (!strcmp(argv[1], "vex")) {
		write_vexes(argv[2]);
		return 0;
	}
	out = fopen(argv[2], "w");
	if (!out)
		die("%s: %s", argv[2], strerror(errno));
	write_json();
	if (fclose(out))
		die("%s: %s", argv[2], strerror(errno));
	return 0;
}
