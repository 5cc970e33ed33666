/* The synthetic borough (see generator.h).
 *
 * Two passes over people, both in the same order: first everyone (with
 * households and relationships), then each person's history.  Writing in
 * that order keeps inserts close to the end of every index, which is what
 * lets the L tier (200k people, 8M notes) build in minutes.  Decisions come
 * from one model generator; ids from a generator per person, so leaving a
 * person out (a one-locality replica) changes no one else's ids. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "caredesk/actions.h"
#include "caredesk/datadir.h"
#include "caredesk/nhs.h"
#include "caredesk/workday.h"
#include "cli/generator.h"

#define YEARS_OF_HISTORY 10
#define NOW_HOUR 8
#define NOW_MINUTE 45
#define LOCALITIES 4
#define NOTES_PER_WEEK 1.3
#define HANDOVER_DAYS 90
#define IDS_PER_PERSON 65536

static const char *const locality_codes[LOCALITIES] = { "north", "south", "central", "west" };
/* Share of the borough's households in each locality (estimate). */
static const double locality_share[LOCALITIES] = { 0.27, 0.25, 0.24, 0.24 };

/* --- vocabulary from data/names.tsv ------------------------------------ */

struct wordlist {
	char kind[32];
	char **words;
	int count;
};

struct vocab {
	struct wordlist *lists;
	int count;
};

static struct wordlist *vocab_list(struct vocab *v, const char *kind, int create)
{
	for (int i = 0; i < v->count; i++)
		if (strcmp(v->lists[i].kind, kind) == 0)
			return &v->lists[i];
	if (!create)
		return NULL;
	v->lists = cd_realloc(v->lists, (size_t)(v->count + 1) * sizeof(*v->lists));
	memset(&v->lists[v->count], 0, sizeof(v->lists[0]));
	snprintf(v->lists[v->count].kind, sizeof(v->lists[0].kind), "%s", kind);
	return &v->lists[v->count++];
}

static int vocab_load(struct vocab *v, struct cd_error *err)
{
	char path[4096], *line = NULL;
	size_t cap = 0;
	long lineno = 0;
	FILE *fp;

	if (datadir_path("names.tsv", path, sizeof(path)) || !(fp = fopen(path, "r")))
		return cd_error_set(err, CD_EX_NOINPUT, NULL, "cannot read %s", path);
	while (getline(&line, &cap, fp) > 0) {
		char *tab;
		struct wordlist *l;

		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		tab = strchr(line, '\t');
		if (!tab) {
			free(line);
			fclose(fp);
			cd_error_at(err, path, lineno);
			return cd_error_set(err, CD_EX_CONFIG, NULL, "expected KIND<TAB>VALUE");
		}
		*tab = '\0';
		l = vocab_list(v, line, 1);
		l->words = cd_realloc(l->words, (size_t)(l->count + 1) * sizeof(*l->words));
		l->words[l->count++] = cd_strdup(tab + 1);
	}
	free(line);
	fclose(fp);
	return 0;
}

static void vocab_free(struct vocab *v)
{
	for (int i = 0; i < v->count; i++) {
		for (int j = 0; j < v->lists[i].count; j++)
			free(v->lists[i].words[j]);
		free(v->lists[i].words);
	}
	free(v->lists);
	memset(v, 0, sizeof(*v));
}

/* --- the generation state ------------------------------------------------ */

struct gworker {
	char login[LOGIN_MAX];
	char id[UUID_STR_LEN];
	char team[CODE_MAX];
	char role[16];
	char locality[CODE_MAX];
};

struct gteam {
	char code[CODE_MAX];
	char service[24];
	char locality[CODE_MAX];
	int first, count;	/* its workers in gen->workers */
	int manager;		/* index of its manager */
};

struct gperson {
	char id[UUID_STR_LEN];
	struct civil_date dob;
	unsigned char locality;
	struct rng ids;		/* this person's id stream */
	int64_t id_ms;
	int64_t case_end;	/* end of the open case, if any */
};

struct gen {
	struct replica *r;
	const struct generate_params *p;
	struct rng model;
	struct vocab vocab;
	struct workcal *cal;
	struct gworker *workers;
	int worker_count;
	struct gteam *teams;
	int team_count;
	struct gperson *people;
	long person_count;
	int64_t now, start;
	int64_t base_ms;
	long nhs_prefix;
	long referrals, notes, cases;
	time_t began;
	struct actor admin;
};

static const char *pick(struct gen *g, const char *kind)
{
	struct wordlist *l = vocab_list(&g->vocab, kind, 0);

	if (l && l->count > 0)
		return l->words[rng_below(&g->model, (uint64_t)l->count)];
	cd_die("data/names.tsv has no '%s' entries", kind);
}

static int chance(struct gen *g, double p)
{
	return rng_unit(&g->model) < p;
}

/* Index into a table of weights summing to about 1. */
static int weighted(struct gen *g, const double *w, int n)
{
	double x = rng_unit(&g->model);

	for (int i = 0; i < n - 1; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	return n - 1;
}

static int in_scope(const struct gen *g, const struct gperson *p)
{
	return !g->p->scope || strcmp(g->p->scope, "borough") == 0 ||
	       strcmp(g->p->scope, locality_codes[p->locality]) == 0;
}

static void progress(struct gen *g, const char *what)
{
	if (g->p->progress)
		fprintf(g->p->progress, "caredesk: generate: %s (%lds)\n", what,
			(long)(time(NULL) - g->began));
}

static void act_as(struct gen *g, const struct gworker *w)
{
	struct actor *a = &g->r->actor;

	snprintf(a->worker_id, sizeof(a->worker_id), "%s", w->id);
	snprintf(a->worker_login, sizeof(a->worker_login), "%s", w->login);
	snprintf(a->roles_text, sizeof(a->roles_text), "%s", w->role);
	a->roles = 0;
	roles_parse(w->role, &a->roles, NULL, 0);
	snprintf(a->team, sizeof(a->team), "%s", w->team);
	snprintf(a->locality, sizeof(a->locality), "%s", w->locality);
}

static void use_ids(struct gen *g, struct gperson *p)
{
	g->r->ids.rng = &p->ids;
	g->r->ids.ms = p->id_ms;
}

static void done_ids(struct gen *g, struct gperson *p)
{
	p->id_ms = g->r->ids.ms;
}

/* --- workers --------------------------------------------------------------- */

static int team_size(const struct gen *g, const char *service)
{
	long n = g->p->people;

	if (strcmp(service, "all-age") == 0)
		return 6;
	if (strcmp(service, "children") == 0)
		return (int)(n / 6000 > 4 ? n / 6000 : 4);
	if (strcmp(service, "adults") == 0)
		return (int)(n / 5000 > 4 ? n / 5000 : 4);
	if (strcmp(service, "mash") == 0)
		return (int)(n / 25000 > 4 ? n / 25000 : 4);
	return (int)(n / 30000 > 2 ? n / 30000 : 2);
}

static const char *team_role(const char *service)
{
	if (strcmp(service, "all-age") == 0)
		return "duty";
	if (strcmp(service, "mash") == 0)
		return "mash";
	return "practitioner";
}

/* Logins are ASCII: letters of the name, lower case, made unique. */
static void make_login(struct gen *g, const char *given, const char *family, char out[LOGIN_MAX])
{
	char base[LOGIN_MAX];
	size_t n = 0;
	const char *parts[] = { given, family };

	for (int i = 0; i < 2; i++) {
		if (i && n < sizeof(base) - 1)
			base[n++] = '.';
		for (const char *s = parts[i]; *s && n < 40; s++)
			if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z'))
				base[n++] = (char)(*s | 0x20);
	}
	base[n] = '\0';
	snprintf(out, LOGIN_MAX, "%s", base);
	for (int k = 2;; k++) {
		int taken = 0;

		for (int i = 0; i < g->worker_count && !taken; i++)
			taken = strcmp(g->workers[i].login, out) == 0;
		if (!taken)
			return;
		snprintf(out, LOGIN_MAX, "%.48s%d", base, k);
	}
}

static int add_worker(struct gen *g, struct gteam *t, const char *login, const char *role,
		      struct cd_error *err)
{
	struct gworker *w;
	char name[128], made[LOGIN_MAX];
	const char *given = pick(g, chance(g, 0.7) ? "given-female" : "given-male");
	const char *family = pick(g, "family");
	struct worker_input in;

	snprintf(name, sizeof(name), "%s %s", given, family);
	if (login)
		snprintf(made, sizeof(made), "%s", login);
	else
		make_login(g, given, family, made);
	in = (struct worker_input){ .login = made, .name = name, .team = t->code, .roles = role };
	g->workers = cd_realloc(g->workers, (size_t)(g->worker_count + 1) * sizeof(*g->workers));
	w = &g->workers[g->worker_count];
	memset(w, 0, sizeof(*w));
	if (worker_add(g->r, &in, w->id, err))
		return -1;
	snprintf(w->login, sizeof(w->login), "%s", made);
	snprintf(w->team, sizeof(w->team), "%s", t->code);
	snprintf(w->role, sizeof(w->role), "%s", role);
	snprintf(w->locality, sizeof(w->locality), "%s", t->locality);
	g->worker_count++;
	return 0;
}

static int load_teams(struct gen *g)
{
	sqlite3_stmt *st = replica_stmt(g->r, "SELECT code, service, locality FROM team ORDER BY code");

	while (sqlite3_step(st) == SQLITE_ROW) {
		struct gteam *t;

		g->teams = cd_realloc(g->teams, (size_t)(g->team_count + 1) * sizeof(*g->teams));
		t = &g->teams[g->team_count++];
		memset(t, 0, sizeof(*t));
		snprintf(t->code, sizeof(t->code), "%s", (const char *)sqlite3_column_text(st, 0));
		snprintf(t->service, sizeof(t->service), "%s", (const char *)sqlite3_column_text(st, 1));
		snprintf(t->locality, sizeof(t->locality), "%s", (const char *)sqlite3_column_text(st, 2));
	}
	sqlite3_reset(st);
	return g->team_count ? 0 : -1;
}

/* Each team gets a manager and practitioners; each duty team's first duty
 * worker has a predictable login (duty.north, duty.mash...) for demos. */
static int make_workers(struct gen *g, struct cd_error *err)
{
	struct rng ids;

	rng_seed(&ids, g->p->seed ^ 0x776f726b657273ULL);
	g->r->ids.rng = &ids;
	g->r->ids.ms = g->base_ms - IDS_PER_PERSON;
	g->r->actor = g->admin;
	g->r->fixed_now = g->start;
	for (int i = 0; i < g->team_count; i++) {
		struct gteam *t = &g->teams[i];
		const char *role = team_role(t->service);
		int n = team_size(g, t->service);
		char login[LOGIN_MAX];

		t->first = g->worker_count;
		snprintf(login, sizeof(login), "duty.%s",
			 strcmp(t->service, "mash") == 0 ? "mash" : t->locality);
		for (int k = 0; k < n; k++) {
			int predictable = k == 0 && (strcmp(role, "duty") == 0 || strcmp(role, "mash") == 0);

			if (add_worker(g, t, predictable ? login : NULL, role, err))
				return -1;
		}
		t->manager = g->worker_count;
		if (add_worker(g, t, NULL, "manager", err))
			return -1;
		t->count = g->worker_count - t->first;
	}
	return 0;
}

static const struct gteam *team_by_code(const struct gen *g, const char *code)
{
	for (int i = 0; i < g->team_count; i++)
		if (strcmp(g->teams[i].code, code) == 0)
			return &g->teams[i];
	cd_die("data/teams.tsv has no team '%s', which the generator needs", code);
}

/* A worker of the team other than its manager. */
static const struct gworker *team_worker(struct gen *g, const struct gteam *t)
{
	int n = t->count - 1;

	return &g->workers[t->first + (int)rng_below(&g->model, (uint64_t)(n > 0 ? n : 1))];
}

/* A member of the team other than `author`, who reads back the handover
 * (an author may not acknowledge their own item).  Takes no extra draw
 * from the model, so the rest of the borough stays as it was. */
static const struct gworker *team_reader(struct gen *g, const struct gteam *t,
					 const struct gworker *author)
{
	const struct gworker *w = team_worker(g, t);
	int i;

	if (w != author || t->count < 2)
		return w;
	i = (int)(w - &g->workers[t->first]);
	return &g->workers[t->first + (i + 1) % t->count];
}

/* --- people ---------------------------------------------------------------- */

static struct civil_date birth_for_age(struct gen *g, int age)
{
	struct civil_date d = g->p->today;

	d = date_add_days(d, -(int64_t)age * 365 - (int64_t)(age / 4) -
				 (int64_t)rng_below(&g->model, 365));
	return d;
}

static void next_nhs(struct gen *g, char out[11])
{
	for (;;) {
		char prefix[16];
		int check;

		g->nhs_prefix += 1 + (long)rng_below(&g->model, 3);
		snprintf(prefix, sizeof(prefix), "%09ld", g->nhs_prefix % 1000000000);
		check = nhs_check_digit(prefix);
		if (check >= 0) {
			memcpy(out, prefix, 9);
			out[9] = (char)('0' + check);
			out[10] = '\0';
			return;
		}
	}
}

struct household {
	int locality;
	char family[64];
	char address[128];
	char postcode[16];
	int first;		/* index of the first member in g->people */
	int adults, children;
};

static void household_place(struct gen *g, struct household *h)
{
	char key[32];
	static const char letters[] = "ABDEFGHJLNPQRSTUWXYZ";

	h->locality = weighted(g, locality_share, LOCALITIES);
	snprintf(key, sizeof(key), "postcode-%s", locality_codes[h->locality]);
	snprintf(h->postcode, sizeof(h->postcode), "%.8s %d%c%c", pick(g, key),
		 (int)rng_below(&g->model, 10), letters[rng_below(&g->model, 20)],
		 letters[rng_below(&g->model, 20)]);
	snprintf(h->address, sizeof(h->address), "%d %s", 1 + (int)rng_below(&g->model, 180),
		 pick(g, "street"));
	snprintf(h->family, sizeof(h->family), "%s", pick(g, "family"));
}

static int add_person(struct gen *g, struct household *h, int age, struct cd_error *err)
{
	struct gperson *p = &g->people[g->person_count];
	char nhs[11] = "", dob[ISO_DATE_LEN];
	const char *given = pick(g, chance(g, 0.5) ? "given-female" : "given-male");
	const char *family = chance(g, 0.85) ? h->family : pick(g, "family");
	struct person_input in;
	int64_t created;

	memset(p, 0, sizeof(*p));
	p->dob = birth_for_age(g, age);
	p->locality = (unsigned char)h->locality;
	rng_seed(&p->ids, g->p->seed * 0x9e3779b97f4a7c15ULL + (uint64_t)g->person_count);
	p->id_ms = g->base_ms + (int64_t)g->person_count * IDS_PER_PERSON;
	if (chance(g, 0.95))
		next_nhs(g, nhs);
	date_format(p->dob, dob);
	g->person_count++;
	if (!in_scope(g, p))
		return 0;
	in = (struct person_input){ .nhs_number = nhs, .family_name = family, .given_name = given,
		.date_of_birth = dob, .address = h->address, .postcode = h->postcode,
		.locality = locality_codes[h->locality] };
	created = local_to_instant(p->dob, 12, 0, 0) + 86400;
	g->r->fixed_now = created > g->start ? created : g->start;
	use_ids(g, p);
	if (person_create(g->r, &in, p->id, err))
		return -1;
	done_ids(g, p);
	return 0;
}

static int link(struct gen *g, int a, int b, const char *kind, struct cd_error *err)
{
	struct gperson *pa = &g->people[a], *pb = &g->people[b];

	if (!in_scope(g, pa))
		return 0;
	use_ids(g, pa);
	if (relationship_link(g->r, pa->id, pb->id, kind, NULL, err))
		return -1;
	done_ids(g, pa);
	return 0;
}

static int link_household(struct gen *g, const struct household *h, struct cd_error *err)
{
	int first_child = h->first + h->adults;
	int end = first_child + h->children;

	if (h->adults == 2 && link(g, h->first, h->first + 1, "partner", err))
		return -1;
	for (int a = h->first; a < first_child; a++)
		for (int c = first_child; c < end; c++)
			if (link(g, a, c, "parent", err))
				return -1;
	for (int c = first_child; c < end; c++)
		for (int d = c + 1; d < end; d++)
			if (link(g, c, d, "sibling", err))
				return -1;
	return 0;
}

enum household_kind { HH_SINGLE, HH_COUPLE, HH_FAMILY, HH_LONE_PARENT, HH_OLDER, HH_OLDER_COUPLE };
static const double household_mix[] = { 0.30, 0.17, 0.18, 0.07, 0.16, 0.12 };

static int make_household(struct gen *g, struct cd_error *err)
{
	struct household h = { .first = (int)g->person_count };
	enum household_kind kind = (enum household_kind)weighted(g, household_mix, 6);
	long room = g->p->people - g->person_count;
	int ages[8], n = 0;

	household_place(g, &h);
	switch (kind) {
	case HH_SINGLE: ages[n++] = rng_range(&g->model, 18, 64); break;
	case HH_COUPLE: ages[n++] = rng_range(&g->model, 22, 64); ages[n++] = rng_range(&g->model, 22, 64); break;
	case HH_FAMILY: case HH_LONE_PARENT:
		ages[n++] = rng_range(&g->model, 20, 52);
		if (kind == HH_FAMILY)
			ages[n++] = rng_range(&g->model, 20, 55);
		h.adults = n;
		for (int c = rng_range(&g->model, 1, kind == HH_FAMILY ? 4 : 3); c > 0; c--)
			ages[n++] = rng_range(&g->model, 0, ages[0] - 18 < 17 ? ages[0] - 18 : 17);
		break;
	case HH_OLDER: ages[n++] = rng_range(&g->model, 65, 101); break;
	case HH_OLDER_COUPLE: ages[n++] = rng_range(&g->model, 65, 95); ages[n++] = rng_range(&g->model, 65, 95); break;
	}
	if (n > room)
		n = (int)room;
	if (kind != HH_FAMILY && kind != HH_LONE_PARENT)
		h.adults = n;
	if (h.adults > n)
		h.adults = n;
	h.children = n - h.adults;
	for (int i = 0; i < n; i++)
		if (add_person(g, &h, ages[i], err))
			return -1;
	return link_household(g, &h, err);
}

static int make_people(struct gen *g, struct cd_error *err)
{
	g->people = cd_calloc((size_t)g->p->people, sizeof(*g->people));
	g->nhs_prefix = 999000000;
	while (g->person_count < g->p->people)
		if (make_household(g, err))
			return -1;
	return 0;
}

/* --- histories ------------------------------------------------------------- */

enum { GROUP_CHILD, GROUP_ADULT };

static const char *const sources[] = { "gp", "school", "police", "hospital", "ambulance", "housing",
				       "family", "self", "care-coordination", "health-visitor", "other" };
/* Children's referrals by source (CIN census shape) and adults' (estimate). */
static const double child_sources[] = { 0.08, 0.20, 0.29, 0.06, 0.01, 0.04, 0.06, 0.03, 0.00,
					0.05, 0.18 };
static const double adult_sources[] = { 0.15, 0.00, 0.05, 0.25, 0.05, 0.03, 0.17, 0.13, 0.10,
					0.00, 0.07 };

static const char *const categories[] = { "safeguarding", "health", "social-care", "mental-health",
					  "carer", "hospital-discharge" };
static const double child_categories[] = { 0.42, 0.10, 0.33, 0.10, 0.05, 0.00 };
static const double adult_categories[] = { 0.18, 0.15, 0.35, 0.07, 0.05, 0.20 };

struct decision_mix {
	const char *code;
	double weight;
	const char *to_service;		/* team service that takes it on, NULL: closes */
};

static const struct decision_mix child_decisions[] = {
	{ "s17", 0.38, "children" }, { "s47", 0.20, "children" },
	{ "immediate-protection", 0.02, "children" }, { "early-help", 0.22, NULL },
	{ "nfa", 0.18, NULL },
};
static const struct decision_mix adult_decisions[] = {
	{ "assessment", 0.40, "adults" }, { "s42-enquiry", 0.08, "adults" },
	{ "community-health", 0.10, "adults" }, { "information-advice", 0.20, NULL },
	{ "signpost", 0.10, NULL }, { "nfa", 0.12, NULL },
};

static const char *const closure_reasons[] = { "needs-met", "transferred", "moved-away", "declined",
					       "no-longer-eligible", "died", "other" };
static const double closure_mix[] = { 0.52, 0.14, 0.09, 0.10, 0.08, 0.05, 0.02 };

static const char *const note_kinds[] = { "case-note", "contact", "visit", "phone-call", "meeting" };
static const double note_mix[] = { 0.38, 0.15, 0.22, 0.20, 0.05 };

static const struct decision_mix *pick_decision(struct gen *g, int group, int safeguarding)
{
	const struct decision_mix *mix = group == GROUP_CHILD ? child_decisions : adult_decisions;
	int n = group == GROUP_CHILD ? 5 : 6;
	double w[6];

	for (int i = 0; i < n; i++) {
		w[i] = mix[i].weight;
		/* Safeguarding concerns lead to enquiries far more often. */
		if (safeguarding && (strcmp(mix[i].code, "s47") == 0 || strcmp(mix[i].code, "s42-enquiry") == 0))
			w[i] *= 3.5;
	}
	{
		double sum = 0;

		for (int i = 0; i < n; i++)
			sum += w[i];
		for (int i = 0; i < n; i++)
			w[i] /= sum;
	}
	return &mix[weighted(g, w, n)];
}

/* A standard normal deviate (Box-Muller). */
static double normal(struct gen *g)
{
	double u = rng_unit(&g->model), v = rng_unit(&g->model);

	return sqrt(-2.0 * log(1.0 - u)) * cos(2.0 * M_PI * v);
}

static int64_t random_instant_between(struct gen *g, int64_t a, int64_t b)
{
	if (b <= a)
		return a;
	return a + (int64_t)rng_below(&g->model, (uint64_t)(b - a));
}

/* A receipt time: mostly weekday working hours, some at any hour. */
static int64_t receipt_time(struct gen *g, int64_t from)
{
	for (int tries = 0;; tries++) {
		int64_t t = random_instant_between(g, from, g->now);
		struct local_time lt;
		struct civil_date d;

		lt = local_from_instant(t);
		d = lt.date;
		if (tries > 4 || chance(g, 0.2))
			return t;
		if (!workcal_is_working_day(g->cal, d))
			continue;
		t = local_to_instant(d, rng_range(&g->model, 8, 17), rng_range(&g->model, 0, 59),
				     rng_range(&g->model, 0, 59));
		if (t <= g->now && t >= from)
			return t;
	}
}

static int write_note(struct gen *g, const char *case_id, const char *referral_id,
		      const char *person_id, const char *kind, const char *body, struct cd_error *err)
{
	struct note_input in = { .person_id = person_id, .case_id = case_id,
				 .referral_id = referral_id, .kind = kind, .body = body };

	g->notes++;
	return note_add(g->r, &in, NULL, err);
}

struct referral_plan {
	int64_t received, due, triaged, allocated, closed;
	int group, safeguarding;
	const char *category, *source;
	const struct decision_mix *decision;
	const struct gteam *duty, *service;
	const struct gworker *triager, *worker;
};

static void plan_referral(struct gen *g, struct gperson *p, int64_t t, struct referral_plan *rp)
{
	struct civil_date on = local_from_instant(t).date;
	int days;

	memset(rp, 0, sizeof(*rp));
	rp->received = t;
	rp->group = age_group_on(p->dob, on) == AGE_GROUP_CHILD ? GROUP_CHILD : GROUP_ADULT;
	rp->source = sources[weighted(g, rp->group == GROUP_CHILD ? child_sources : adult_sources, 11)];
	rp->category = categories[weighted(g, rp->group == GROUP_CHILD ? child_categories
								       : adult_categories, 6)];
	rp->safeguarding = strcmp(rp->category, "safeguarding") == 0 || chance(g, 0.03);
	days = timescale_decision_days(&g->r->timescales,
				       rp->group == GROUP_CHILD ? AGE_GROUP_CHILD : AGE_GROUP_ADULT,
				       rp->category, rp->safeguarding);
	rp->due = workcal_due(g->cal, t, days);
	/* Most decisions land within the timescale; some are late. */
	if (chance(g, 0.92))
		rp->triaged = t + (int64_t)((double)(rp->due - t) * (0.05 + 0.9 * rng_unit(&g->model)));
	else
		rp->triaged = rp->due + 1800 + (int64_t)rng_below(&g->model, 3 * 86400);
	if (rp->safeguarding) {
		rp->duty = team_by_code(g, "mash");
	} else {
		char code[CODE_MAX];

		snprintf(code, sizeof(code), "%s-duty", locality_codes[p->locality]);
		rp->duty = team_by_code(g, code);
	}
	rp->decision = p->case_end > t ? NULL : pick_decision(g, rp->group, rp->safeguarding);
	rp->triager = team_worker(g, rp->duty);
	if (rp->decision && rp->decision->to_service) {
		char code[CODE_MAX];

		snprintf(code, sizeof(code), "%s-%s", locality_codes[p->locality],
			 rp->decision->to_service);
		rp->service = team_by_code(g, code);
		rp->worker = team_worker(g, rp->service);
		rp->allocated = rp->triaged + 3600 + (int64_t)rng_below(&g->model, 4 * 86400);
		/* Case length: log-normal, median about four months, some years. */
		rp->closed = rp->allocated +
			     (int64_t)(86400.0 * fmin(1800.0, exp(log(120.0) + normal(g))));
	}
}

/* Chronology of a case: contacts spread over its life up to now. */
static int write_case_notes(struct gen *g, struct gperson *p, const struct referral_plan *rp,
			    const char *case_id, struct cd_error *err)
{
	int64_t end = rp->closed < g->now ? rp->closed : g->now;
	double weeks = (double)(end - rp->allocated) / (7 * 86400.0);
	int n = (int)(weeks * NOTES_PER_WEEK * (0.5 + rng_unit(&g->model))) + 1;
	int64_t t = rp->allocated;

	for (int i = 0; i < n; i++) {
		char key[32];
		const char *kind = note_kinds[weighted(g, note_mix, 5)];

		/* Evenly spread with jitter keeps times increasing without a sort. */
		t += (end - t) / (n - i + 1) + (int64_t)rng_below(&g->model, 3600);
		if (t > end)
			t = end;
		snprintf(key, sizeof(key), "note-%s", kind);
		act_as(g, chance(g, 0.9) ? rp->worker : rp->triager);
		g->r->fixed_now = t;
		if (write_note(g, case_id, NULL, p->id, kind, pick(g, key), err))
			return -1;
	}
	return 0;
}

static int open_case_extras(struct gen *g, struct gperson *p, const struct referral_plan *rp,
			    const char *case_id, struct cd_error *err)
{
	struct civil_date review = date_add_days(g->p->today, rng_range(&g->model, -30, 90));
	char date[ISO_DATE_LEN];

	int64_t set_at = local_to_instant(review, 8, 0, 0);

	date_format(review, date);
	/* A review date may not be set in the past, so an overdue one was set
	 * on the morning it fell due (the history a real caseload has). */
	g->r->fixed_now = set_at < g->now - 3600 ? set_at : g->now - 3600;
	act_as(g, rp->worker);
	if (case_set_review(g->r, case_id, date, err))
		return -1;
	if (strcmp(rp->decision->code, "s47") == 0 && chance(g, 0.5))
		return person_flag(g->r, p->id, "child-protection-plan", "", err);
	if (strcmp(rp->decision->code, "s42-enquiry") == 0 && chance(g, 0.6))
		return person_flag(g->r, p->id, "adult-at-risk", "", err);
	return 0;
}

static int case_id_of(struct gen *g, const char *referral_id, char out[UUID_STR_LEN])
{
	sqlite3_stmt *st = replica_stmt(g->r, "SELECT case_id FROM referral WHERE id = ?1");
	int ok;

	sqlite3_bind_text(st, 1, referral_id, -1, SQLITE_STATIC);
	ok = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0);
	if (ok)
		snprintf(out, UUID_STR_LEN, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	return ok ? 0 : -1;
}

static int write_allocation(struct gen *g, struct gperson *p, const struct referral_plan *rp,
			    const char *referral_id, struct cd_error *err)
{
	char case_id[UUID_STR_LEN];

	g->r->fixed_now = rp->allocated;
	act_as(g, &g->workers[rp->service->manager]);
	if (referral_allocate(g->r, referral_id, rp->worker->login, err) ||
	    case_id_of(g, referral_id, case_id))
		return -1;
	g->cases++;
	p->case_end = rp->closed;
	if (write_case_notes(g, p, rp, case_id, err))
		return -1;
	if (rp->closed > g->now)
		return open_case_extras(g, p, rp, case_id, err);
	g->r->fixed_now = rp->closed;
	act_as(g, rp->worker);
	return case_close(g->r, case_id, closure_reasons[weighted(g, closure_mix, 7)], err);
}

static int write_triage(struct gen *g, struct gperson *p, const struct referral_plan *rp,
			const char *referral_id, struct cd_error *err)
{
	static const char *const priorities[] = { "red", "amber", "green" };
	static const double sg_priority[] = { 0.30, 0.50, 0.20 }, other_priority[] = { 0.08, 0.42, 0.50 };
	const char *decision = rp->decision ? rp->decision->code : "nfa";
	const char *reason = rp->decision ? "Screened against threshold; see chronology."
					  : "Open case: passed to the allocated worker.";
	char body[256];

	g->r->fixed_now = rp->triaged;
	act_as(g, rp->triager);
	snprintf(body, sizeof(body), "%s Decision: %s.", pick(g, "note-decision"), decision);
	if (write_note(g, NULL, referral_id, p->id, "decision", body, err) ||
	    referral_triage(g->r, referral_id,
			    priorities[weighted(g, rp->safeguarding ? sg_priority : other_priority, 3)],
			    decision, reason, err))
		return -1;
	if (!rp->decision || !rp->decision->to_service || rp->allocated > g->now)
		return 0;
	return write_allocation(g, p, rp, referral_id, err);
}

static int write_referral(struct gen *g, struct gperson *p, int64_t t, struct cd_error *err)
{
	struct referral_plan rp;
	char received[ISO_INSTANT_LEN], key[48], id[UUID_STR_LEN];
	struct referral_input in;

	plan_referral(g, p, t, &rp);
	g->referrals++;
	if (!in_scope(g, p))
		return 0;
	instant_format(t, received);
	snprintf(key, sizeof(key), "reason-%s", rp.category);
	in = (struct referral_input){ .person_id = p->id, .received_at = received,
		.source = rp.source, .category = rp.category, .safeguarding = rp.safeguarding,
		.reason = pick(g, key) };
	g->r->fixed_now = t + 300;
	act_as(g, rp.triager);
	if (referral_receive(g->r, &in, id, err))
		return -1;
	if (rp.triaged > g->now)
		return 0;	/* still in the queue this morning */
	return write_triage(g, p, &rp, id, err);
}

static int cmp_instant(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* How many referrals a person has had in ten years: most none or one, a
 * few many (people with long-term needs, families known for years).
 * About 2.15 a person, the L tier's 430k referrals for 200k people. */
static int referral_count(struct gen *g)
{
	double x = rng_unit(&g->model);

	if (x < 0.40)
		return 0;
	if (x < 0.70)
		return 1;
	if (x < 0.88)
		return rng_range(&g->model, 2, 4);
	return rng_range(&g->model, 5, 17);
}

static int write_history(struct gen *g, struct gperson *p, int extra, struct cd_error *err)
{
	int n = referral_count(g), total;
	int64_t times[24] = { 0 };
	int64_t born = local_to_instant(p->dob, 12, 0, 0);
	int64_t from = born > g->start ? born : g->start;

	total = n + extra;
	if (total > 24)
		total = 24;
	for (int i = 0; i < total; i++)
		times[i] = i < n ? receipt_time(g, from) :
			   g->now - (int64_t)rng_below(&g->model, 3 * 86400);
	qsort(times, (size_t)total, sizeof(times[0]), cmp_instant);
	use_ids(g, p);
	for (int i = 0; i < total; i++)
		if (times[i] >= from && write_referral(g, p, times[i], err))
			return -1;
	done_ids(g, p);
	return 0;
}

/* The demo's morning queue: a few more referrals in the last days, so each
 * locality has new work and some of it overdue. */
static int extra_referrals(struct gen *g)
{
	if (!g->p->live_boost)
		return 0;
	return chance(g, (double)g->p->live_boost * 3.0 * LOCALITIES / (double)g->p->people);
}

static int make_histories(struct gen *g, struct cd_error *err)
{
	long step = g->person_count / 10 ? g->person_count / 10 : 1;

	for (long i = 0; i < g->person_count; i++) {
		if (write_history(g, &g->people[i], extra_referrals(g), err))
			return -1;
		if (i % step == step - 1) {
			char what[96];

			snprintf(what, sizeof(what), "histories %ld%%: %ld referrals, %ld notes",
				 (i + 1) * 100 / g->person_count, g->referrals, g->notes);
			progress(g, what);
		}
	}
	return 0;
}

/* --- handover -------------------------------------------------------------- */

static int handover_day(struct gen *g, const struct gteam *t, struct civil_date day, int last,
			struct rng *ids, struct cd_error *err)
{
	int items = rng_range(&g->model, 2, 5);

	for (int i = 0; i < items; i++) {
		static const char *const pr[] = { "red", "amber", "green" };
		static const double mix[] = { 0.2, 0.5, 0.3 };
		struct handover_input in = { .sbar = { pick(g, "handover-s"), pick(g, "handover-b"),
				pick(g, "handover-a"), pick(g, "handover-r") },
			.priority = pr[weighted(g, mix, 3)] };
		const struct gworker *by = team_worker(g, t), *reader = team_reader(g, t, by);
		char id[UUID_STR_LEN];
		int64_t next_morning = local_to_instant(workcal_next(g->cal, day), 8, 50, 0);

		g->r->ids.rng = ids;
		g->r->fixed_now = local_to_instant(day, 16, 30 + i * 5, 0);
		act_as(g, by);
		if (handover_add(g->r, &in, id, err))
			return -1;
		if (last || next_morning > g->now)
			continue;	/* last shift's items wait for this morning's desk */
		g->r->fixed_now = next_morning + i * 60;
		act_as(g, reader);
		if (handover_ack(g->r, id, "Read back and understood.", err))
			return -1;
	}
	return 0;
}

static int make_handover(struct gen *g, struct cd_error *err)
{
	struct civil_date today = g->p->today, day = date_add_days(today, -HANDOVER_DAYS);
	struct civil_date last = workcal_on_or_after(g->cal, date_add_days(today, -1));

	/* The last working day before today. */
	while (!workcal_is_working_day(g->cal, last) || date_compare(last, today) >= 0)
		last = date_add_days(last, -1);
	for (int i = 0; i < g->team_count; i++) {
		const struct gteam *t = &g->teams[i];
		struct rng ids;

		if (strcmp(t->service, "all-age") != 0 && strcmp(t->service, "mash") != 0)
			continue;
		rng_seed(&ids, g->p->seed ^ (0x68616e646f766572ULL + (uint64_t)i));
		g->r->ids.ms = g->base_ms - IDS_PER_PERSON * (int64_t)(2 + i);
		if (g->p->scope && strcmp(g->p->scope, "borough") != 0 &&
		    strcmp(g->p->scope, t->locality) != 0 && strcmp(t->locality, "borough") != 0)
			continue;
		for (struct civil_date d = day; date_compare(d, today) < 0; d = date_add_days(d, 1)) {
			if (!workcal_is_working_day(g->cal, d))
				continue;
			if (handover_day(g, t, d, date_compare(d, last) == 0, &ids, err))
				return -1;
		}
	}
	return 0;
}

/* --- the whole ------------------------------------------------------------- */

int64_t generate_now(struct civil_date today)
{
	return local_to_instant(today, NOW_HOUR, NOW_MINUTE, 0);
}

static void gen_free(struct gen *g)
{
	vocab_free(&g->vocab);
	free(g->workers);
	free(g->teams);
	free(g->people);
}

static int generate_all(struct gen *g, struct cd_error *err)
{
	if (load_teams(g))
		return cd_error_set(err, CD_EX_SOFTWARE, NULL, "the replica has no teams");
	if (make_workers(g, err))
		return -1;
	progress(g, "workers");
	if (make_people(g, err))
		return -1;
	progress(g, "people and households");
	if (make_histories(g, err))
		return -1;
	if (make_handover(g, err))
		return -1;
	progress(g, "handover");
	return 0;
}

int generate_borough(struct replica *r, const struct generate_params *p, struct cd_error *err)
{
	struct gen g = { .r = r, .p = p, .began = time(NULL) };
	struct civil_date start;
	int rc;

	rng_seed(&g.model, p->seed);
	g.admin = r->actor;
	g.now = generate_now(p->today);
	start = p->today;
	start.year -= YEARS_OF_HISTORY;
	if (!date_is_valid(start))
		start.day = 28;		/* 29 February ten years back */
	g.start = local_to_instant(start, 0, 0, 0);
	g.base_ms = g.start * 1000;
	g.cal = replica_calendar(r, err);
	if (!g.cal || vocab_load(&g.vocab, err))
		return -1;
	if (txn_begin_uncaptured(r, "generate", err)) {
		gen_free(&g);
		return -1;
	}
	rc = generate_all(&g, err);
	r->actor = g.admin;
	/* The closing audit event's id comes from the seed too. */
	rng_seed(&g.model, p->seed ^ 0x61756469740aULL);
	r->ids = (struct idgen){ .rng = &g.model, .ms = g.base_ms - 2 * IDS_PER_PERSON };
	r->fixed_now = g.now;
	if (rc == 0) {
		char detail[160];

		snprintf(detail, sizeof(detail), "people=%ld seed=%llu referrals=%ld cases=%ld notes=%ld",
			 p->people, (unsigned long long)p->seed, g.referrals, g.cases, g.notes);
		rc = audit_append(r, "generate", "", "", detail, err);
	}
	/* Record what the due times were derived from, so opening the
	 * replica does not derive them again. */
	if (rc == 0)
		rc = referral_rederive_due(r, NULL, err);
	if (rc == 0)
		rc = txn_commit(r, err);
	else
		txn_rollback(r);
	r->ids = (struct idgen){ 0 };
	gen_free(&g);
	return rc;
}
