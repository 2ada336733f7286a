// SPDX-License-Identifier: GPL-2.0
/*
 * klp-convert: turn a live patch module's references to symbols of the
 * objects it patches into livepatch relocations, which the kernel
 * resolves when those objects load.
 *
 * Usage: klp-convert MODULE.ko MODULE.SYMVERS
 *
 * A replacement function may need what the module loader cannot give a
 * module: a static function of the module it patches (a completion
 * callback whose address goes to the crypto layer must be that module's
 * own, not a copy that rmmod would free), or any symbol of a module not
 * loaded yet.  The source names each such symbol with
 * KS_LP_SYMBOL(local, object, name) (livepatch/killswitch_livepatch.h),
 * which leaves a note "ks_lp" of type 1 holding "local object name" in
 * the section .note.ks_lp_symbols.  For each, this program
 *
 *  - renames the undefined symbol @local to ".klp.sym.object.name,0" and
 *    gives it the section index SHN_LIVEPATCH, which the module loader
 *    leaves to livepatch;
 *  - moves every relocation against it out of .rela<sec> into a section
 *    .klp.rela.object.<sec> flagged SHF_ALLOC and SHF_RELA_LIVEPATCH,
 *    which livepatch applies once @object is loaded, after it found
 *    @name in @object's symbols (",0": the name must be unique there).
 *
 * The format is that of Documentation/livepatch/module-elf-format.rst.
 * modpost reports the references to @local as undefined, so a module
 * that uses KS_LP_SYMBOL is built with KBUILD_MODPOST_WARN=1; its check
 * is made here instead: every other undefined symbol must be one that
 * MODULE.SYMVERS (the kernel's Module.symvers) lists as exported.
 * A module already converted is left as it is.
 */
#include <err.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef SHF_RELA_LIVEPATCH
#define SHF_RELA_LIVEPATCH	0x00100000
#endif
#ifndef SHN_LIVEPATCH
#define SHN_LIVEPATCH		0xff20
#endif

/* What livepatch reads of a .klp.sym name: "%55[^.].%511[^,],%lu". */
#define MODULE_NAME_MAX	55
#define SYMBOL_NAME_MAX	511

#define ANNOTATIONS	".note.ks_lp_symbols"
#define NOTE_NAME	"ks_lp"
#define NOTE_TYPE	1
#define KLP_SYM		".klp.sym."
#define KLP_RELA	".klp.rela."

struct klp_symbol {
	char *local, *object, *name;
	size_t index;		/* in .symtab; 0 until found there */
};

static const char *ko;
static Elf *elf;
static size_t shstrndx;

static Elf_Data *section_data(Elf_Scn *scn)
{
	Elf_Data *data = elf_getdata(scn, NULL);

	if (!data)
		errx(1, "%s: %s", ko, elf_errmsg(-1));
	return data;
}

static GElf_Shdr section_header(Elf_Scn *scn)
{
	GElf_Shdr shdr;

	if (!gelf_getshdr(scn, &shdr))
		errx(1, "%s: %s", ko, elf_errmsg(-1));
	return shdr;
}

static const char *section_name(const GElf_Shdr *shdr)
{
	return elf_strptr(elf, shstrndx, shdr->sh_name) ?: "";
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char * const *)a, *(char * const *)b);
}

/* The names Module.symvers lists, sorted: "crc\tname\tmodule\t...". */
static char **read_symvers(const char *path, size_t *count)
{
	char **names = NULL, *line = NULL, name[512];
	size_t n = 0, cap = 0, len = 0;
	FILE *f = fopen(path, "re");

	if (!f)
		err(1, "%s", path);
	while (getline(&line, &len, f) > 0) {
		if (sscanf(line, "%*s %511s", name) != 1)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 4096;
			names = realloc(names, cap * sizeof(*names));
			if (!names)
				err(1, "realloc");
		}
		names[n] = strdup(name);
		if (!names[n++])
			err(1, "strdup");
	}
	free(line);
	fclose(f);
	qsort(names, n, sizeof(*names), compare_strings);
	*count = n;
	return names;
}

/* The annotations: the module's notes "ks_lp"; NULL if it has none. */
static struct klp_symbol *read_annotations(size_t *count)
{
	struct klp_symbol *syms = NULL, *sym;
	size_t n = 0, off, name, desc;
	Elf_Scn *scn = NULL;
	GElf_Nhdr note;
	Elf_Data *data;
	const char *s;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr shdr = section_header(scn);

		if (shdr.sh_type != SHT_NOTE || strcmp(section_name(&shdr), ANNOTATIONS))
			continue;
		data = section_data(scn);
		for (off = 0; (off = gelf_getnote(data, off, &note, &name, &desc)); ) {
			s = (const char *)data->d_buf + name;
			if (note.n_type != NOTE_TYPE || note.n_namesz != sizeof(NOTE_NAME) ||
			    memcmp(s, NOTE_NAME, sizeof(NOTE_NAME)))
				continue;
			s = (const char *)data->d_buf + desc;
			syms = realloc(syms, ++n * sizeof(*syms));
			if (!syms)
				err(1, "realloc");
			sym = &syms[n - 1];
			memset(sym, 0, sizeof(*sym));
			if (!note.n_descsz || s[note.n_descsz - 1] ||
			    sscanf(s, "%ms %ms %ms", &sym->local, &sym->object, &sym->name) != 3 ||
			    strchr(sym->object, '.') || strlen(sym->object) > MODULE_NAME_MAX ||
			    strlen(sym->name) > SYMBOL_NAME_MAX)
				errx(1, "%s: %s: malformed annotation \"%.*s\"", ko, ANNOTATIONS,
				     (int)note.n_descsz, s);
		}
	}
	*count = n;
	return syms;
}

/* Append string @s to the string table @scn: its offset there. */
static size_t append_string(Elf_Scn *scn, const char *s)
{
	GElf_Shdr shdr = section_header(scn);
	Elf_Data *data = elf_newdata(scn);

	if (!data)
		errx(1, "%s: %s", ko, elf_errmsg(-1));
	data->d_buf = strdup(s);
	if (!data->d_buf)
		err(1, "strdup");
	data->d_size = strlen(s) + 1;
	data->d_type = ELF_T_BYTE;
	data->d_align = 1;
	shdr.sh_size += data->d_size;
	gelf_update_shdr(scn, &shdr);
	return shdr.sh_size - data->d_size;
}

static struct klp_symbol *find_local(struct klp_symbol *syms, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(syms[i].local, name))
			return &syms[i];
	return NULL;
}

/*
 * Rename the annotated symbols and check the other undefined ones.
 * False if the module was converted already.
 */
static bool convert_symbols(Elf_Scn *symtab, struct klp_symbol *syms, size_t nsyms,
			    char **exported, size_t nexported)
{
	GElf_Shdr shdr = section_header(symtab);
	Elf_Scn *strtab = elf_getscn(elf, shdr.sh_link);
	Elf_Data *data = section_data(symtab);
	size_t i, n = shdr.sh_size / shdr.sh_entsize;
	struct klp_symbol *klp;
	bool undefined = false;
	char name[1024];
	const char *s;
	GElf_Sym sym;

	for (i = 1; i < n; i++) {
		if (!gelf_getsym(data, i, &sym))
			errx(1, "%s: %s", ko, elf_errmsg(-1));
		s = elf_strptr(elf, shdr.sh_link, sym.st_name) ?: "";
		if (sym.st_shndx == SHN_LIVEPATCH && !strncmp(s, KLP_SYM, strlen(KLP_SYM)))
			return false;
		if (sym.st_shndx != SHN_UNDEF || !*s)
			continue;
		klp = find_local(syms, nsyms, s);
		if (klp) {
			klp->index = i;
			continue;
		}
		if (!bsearch(&s, exported, nexported, sizeof(*exported), compare_strings)) {
			warnx("%s: \"%s\" is undefined: neither exported nor named by KS_LP_SYMBOL",
			      ko, s);
			undefined = true;
		}
	}
	if (undefined)
		exit(1);

	for (klp = syms; klp < syms + nsyms; klp++) {
		if (!klp->index)
			errx(1, "%s: KS_LP_SYMBOL(%s, %s, %s) is never referenced",
			     ko, klp->local, klp->object, klp->name);
		gelf_getsym(data, klp->index, &sym);
		snprintf(name, sizeof(name), KLP_SYM "%s.%s,0", klp->object, klp->name);
		sym.st_name = append_string(strtab, name);
		sym.st_shndx = SHN_LIVEPATCH;
		gelf_update_sym(data, klp->index, &sym);
		printf("  %s -> %s\n", klp->local, name);
	}
	elf_flagdata(data, ELF_C_SET, ELF_F_DIRTY);
	return true;
}

static struct klp_symbol *klp_symbol_of(struct klp_symbol *syms, size_t n, size_t index)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (syms[i].index == index)
			return &syms[i];
	return NULL;
}

/*
 * Move the relocations of @rela against the annotated symbols into one
 * .klp.rela section per object; the others stay, in their order.
 */
static void convert_relocations(Elf_Scn *rela, size_t symtab_index,
				struct klp_symbol *syms, size_t nsyms)
{
	GElf_Shdr shdr = section_header(rela), target, klp_shdr;
	Elf_Scn *shstrtab = elf_getscn(elf, shstrndx), *scn;
	Elf_Data *data = section_data(rela), *klp_data;
	size_t i, j, kept = 0, moved, n = shdr.sh_size / shdr.sh_entsize;
	GElf_Rela *relas = calloc(n, sizeof(*relas)), *klp_relas;
	struct klp_symbol *klp, *object;
	char name[1024];

	if (!relas)
		err(1, "calloc");
	for (i = 0; i < n; i++)
		gelf_getrela(data, i, &relas[i]);
	target = section_header(elf_getscn(elf, shdr.sh_info));

	/* One object at a time: the first symbol of it met in this section. */
	for (i = 0; i < n; i++) {
		object = klp_symbol_of(syms, nsyms, GELF_R_SYM(relas[i].r_info));
		if (!object)
			continue;
		klp_relas = calloc(n, sizeof(*klp_relas));
		if (!klp_relas)
			err(1, "calloc");
		for (moved = 0, j = i; j < n; j++) {
			klp = klp_symbol_of(syms, nsyms, GELF_R_SYM(relas[j].r_info));
			if (klp && !strcmp(klp->object, object->object)) {
				klp_relas[moved++] = relas[j];
				relas[j].r_info = GELF_R_INFO(0, GELF_R_TYPE(relas[j].r_info));
				relas[j].r_offset = ~0ULL;	/* moved */
			}
		}
		if (!(target.sh_flags & SHF_ALLOC))
			errx(1, "%s: %s refers to %s in %s, which is not loaded",
			     ko, section_name(&shdr), object->local, section_name(&target));

		scn = elf_newscn(elf);
		if (!scn)
			errx(1, "%s: %s", ko, elf_errmsg(-1));
		snprintf(name, sizeof(name), KLP_RELA "%s.%s", object->object,
			 section_name(&target));
		memset(&klp_shdr, 0, sizeof(klp_shdr));
		klp_shdr.sh_name = append_string(shstrtab, name);
		klp_shdr.sh_type = SHT_RELA;
		klp_shdr.sh_flags = SHF_ALLOC | SHF_INFO_LINK | SHF_RELA_LIVEPATCH;
		klp_shdr.sh_link = symtab_index;
		klp_shdr.sh_info = shdr.sh_info;
		klp_shdr.sh_addralign = 8;
		klp_shdr.sh_entsize = shdr.sh_entsize;
		klp_shdr.sh_size = moved * shdr.sh_entsize;
		klp_data = elf_newdata(scn);
		if (!klp_data)
			errx(1, "%s: %s", ko, elf_errmsg(-1));
		klp_data->d_type = ELF_T_RELA;
		klp_data->d_align = 8;
		klp_data->d_size = klp_shdr.sh_size;
		klp_data->d_buf = malloc(klp_data->d_size);
		if (!klp_data->d_buf)
			err(1, "malloc");
		gelf_update_shdr(scn, &klp_shdr);
		for (j = 0; j < moved; j++)
			gelf_update_rela(klp_data, j, &klp_relas[j]);
		free(klp_relas);
		printf("  %s: %zu relocation(s) -> %s\n", section_name(&shdr), moved, name);
	}

	for (i = 0; i < n; i++)
		if (relas[i].r_offset != ~0ULL)
			gelf_update_rela(data, kept++, &relas[i]);
	if (kept != n) {
		data->d_size = kept * shdr.sh_entsize;
		shdr.sh_size = data->d_size;
		gelf_update_shdr(rela, &shdr);
		elf_flagdata(data, ELF_C_SET, ELF_F_DIRTY);
	}
	free(relas);
}

int main(int argc, char **argv)
{
	struct klp_symbol *syms;
	size_t nsyms, nexported, nscn, i;
	Elf_Scn *scn = NULL, *symtab = NULL;
	char **exported;
	GElf_Ehdr ehdr;
	int fd;

	if (argc != 3)
		errx(2, "usage: klp-convert MODULE.ko MODULE.SYMVERS");
	ko = argv[1];
	exported = read_symvers(argv[2], &nexported);

	elf_version(EV_CURRENT);
	fd = open(ko, O_RDWR);
	if (fd < 0)
		err(1, "%s", ko);
	elf = elf_begin(fd, ELF_C_RDWR, NULL);
	if (!elf || !gelf_getehdr(elf, &ehdr) || elf_getshdrstrndx(elf, &shstrndx))
		errx(1, "%s: %s", ko, elf_errmsg(-1));
	if (ehdr.e_type != ET_REL)
		errx(1, "%s: not a relocatable object", ko);

	syms = read_annotations(&nsyms);
	if (!nsyms)
		return 0;
	while (!symtab && (scn = elf_nextscn(elf, scn)))
		if (section_header(scn).sh_type == SHT_SYMTAB)
			symtab = scn;
	if (!symtab)
		errx(1, "%s: no symbol table", ko);

	printf("%s:\n", ko);
	if (!convert_symbols(symtab, syms, nsyms, exported, nexported)) {
		printf("  converted already\n");
		return 0;
	}
	/* The new sections come after the last one: walk the old ones only. */
	elf_getshdrnum(elf, &nscn);
	for (i = 1; i < nscn; i++) {
		GElf_Shdr shdr = section_header(elf_getscn(elf, i));

		if (shdr.sh_type == SHT_RELA && shdr.sh_link == elf_ndxscn(symtab) &&
		    strncmp(section_name(&shdr), KLP_RELA, strlen(KLP_RELA)))
			convert_relocations(elf_getscn(elf, i), elf_ndxscn(symtab), syms, nsyms);
	}

	if (elf_update(elf, ELF_C_WRITE) < 0)
		errx(1, "%s: %s", ko, elf_errmsg(-1));
	elf_end(elf);
	close(fd);
	return 0;
}
