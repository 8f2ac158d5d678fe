package refdata

import "strings"

// Agreement kinds (Treaty.Kind).
const (
	KindTreaty     = "TREATY"
	KindConvention = "CONVENTION"
	KindProtocol   = "PROTOCOL"
)

// Issue-area ids. Treaty.IssueAreaIDs only ever holds these.
const (
	IssueLandmines             = "issue:landmines"
	IssueInternationalCriminal = "issue:international-criminal-court"
	IssueHumanRights           = "issue:human-rights"
	IssueHumanitarianLaw       = "issue:humanitarian-law"
	IssueGenderArmedConflict   = "issue:gender-armed-conflict"
	IssueSmallArms             = "issue:small-arms"
	IssueWarAffectedChildren   = "issue:war-affected-children"
	IssueChildSoldiers         = "issue:child-soldiers"
	IssueChildLabour           = "issue:child-labour"
	IssueProtectionOfCivilians = "issue:protection-of-civilians"
)

// IssueAreaIDs lists every issue-area id this package may emit.
var IssueAreaIDs = []string{
	IssueLandmines, IssueInternationalCriminal, IssueHumanRights,
	IssueHumanitarianLaw, IssueGenderArmedConflict, IssueSmallArms,
	IssueWarAffectedChildren, IssueChildSoldiers, IssueChildLabour,
	IssueProtectionOfCivilians,
}

// consentFix names a documented correction of an artefact of the scraper
// that produced the UN files (github.com/mgaldino/treaties-ideal-point,
// scripts/python/acquire_*.py). It is applied per treaty, never guessed
// per row.
type consentFix int

const (
	fixNone consentFix = iota
	// fixSignatureColumnIsConsent: the UN Treaty Collection table for this
	// instrument has no signature column (CCW protocols adopted at review
	// conferences are not open for signature; states notify their consent
	// to be bound, CCW art. 4(3)-(4)). The scraper fell back to "column 1
	// is the signature" and so wrote the consent date into signature_date
	// with an empty action_type — every row of ccw_p2a, ccw_p4 and ccw_p5
	// looks like a bare signature. The loader reads that date as the
	// consent date (Ratified) with Method CONSENT_TO_BE_BOUND.
	fixSignatureColumnIsConsent
	// fixSignatureCopiesAction: the amendment to CCW article 1 was not
	// open for signature either; the scraper pointed both its signature and
	// its action column at the same table column, so signature_date equals
	// action_date on all 90 rows. The loader drops that copied signature.
	fixSignatureCopiesAction
)

// treatyInfo is what the data does not say about a treaty: its kind and
// the issue areas it ADDRESSES, with the reason in a comment.
type treatyInfo struct {
	kind   string
	issues []string
	fix    consentFix
}

// knownTreaties covers every treaty_id in the UN files. A row whose
// treaty_id is not here is Rejected, so a refreshed file with a new treaty
// cannot slip in without someone deciding its kind and issue areas.
var knownTreaties = map[string]treatyInfo{
	// --- treaties/un-arms-control.csv (UNTC chapter XXVI, Disarmament) ---

	// Mine Ban Convention: bans anti-personnel mines on humanitarian
	// grounds; the ICBL/Ottawa process is the archetypal human-security
	// coalition.
	"ottawa": {KindConvention, []string{IssueLandmines, IssueHumanitarianLaw}, fixNone},
	// Convention on Cluster Munitions: an IHL weapons ban whose stated
	// rationale is the unacceptable harm to civilians, during and long
	// after attacks (preamble, arts. 1, 5 victim assistance).
	"ccm": {KindConvention, []string{IssueHumanitarianLaw, IssueProtectionOfCivilians}, fixNone},
	// Arms Trade Treaty: regulates conventional arms transfers, small arms
	// and light weapons included (art. 2(1)(h)) — the small-arms campaign's
	// treaty.
	"att": {KindTreaty, []string{IssueSmallArms}, fixNone},
	// CCW framework convention, as published "with Protocols I, II and
	// III": an IHL instrument, and original Protocol II restricts mines,
	// booby-traps and other devices — the regime whose 1996 review failure
	// led to the Ottawa process.
	"ccw": {KindConvention, []string{IssueHumanitarianLaw, IssueLandmines}, fixNone},
	// CCW Amended Protocol II: mines, booby-traps and other devices.
	"ccw_p2a": {KindProtocol, []string{IssueHumanitarianLaw, IssueLandmines}, fixSignatureColumnIsConsent},
	// CCW Protocol IV: blinding laser weapons — IHL, not mines.
	"ccw_p4": {KindProtocol, []string{IssueHumanitarianLaw}, fixSignatureColumnIsConsent},
	// CCW Protocol V: explosive remnants of war. Clearance and warnings
	// protect civilians after conflict; mines are excluded from its
	// definition of ERW (art. 2), so no landmines edge.
	"ccw_p5": {KindProtocol, []string{IssueHumanitarianLaw, IssueProtectionOfCivilians}, fixSignatureColumnIsConsent},
	// Amendment to CCW article 1 (2001): extends the CCW to
	// non-international armed conflicts — IHL. It is an amendment, not a
	// protocol; PROTOCOL is the nearest of the three kinds (a separate
	// instrument needing its own consent).
	"ccw_art1": {KindProtocol, []string{IssueHumanitarianLaw}, fixSignatureCopiesAction},
	// The following are disarmament treaties whose subjects (chemical,
	// nuclear, environmental-modification weapons) lie outside the issue
	// areas above. They are still Agreements, with no ADDRESSES edge.
	"cwc":   {KindConvention, nil, fixNone},
	"ctbt":  {KindTreaty, nil, fixNone},
	"tpnw":  {KindTreaty, nil, fixNone},
	"enmod": {KindConvention, nil, fixNone},

	// --- treaties/un-human-rights.csv (UNTC chapter IV, Human Rights) ---

	// Convention on the Rights of the Child: a human-rights treaty that
	// also sets the first treaty rule on children in war — art. 38(2)-(3)
	// bars recruitment and direct participation under 15 (the age the
	// child-soldiers coalition campaigned to raise to 18), art. 38(4) and
	// art. 39 protect and rehabilitate war-affected children — and art. 32
	// protects children from economic exploitation and hazardous work.
	"crc": {KindConvention, []string{IssueHumanRights, IssueWarAffectedChildren, IssueChildSoldiers, IssueChildLabour}, fixNone},
	// Optional Protocol on children in armed conflict: raises the age for
	// compulsory recruitment and participation in hostilities to 18.
	"crc_op_ac": {KindProtocol, []string{IssueChildSoldiers, IssueWarAffectedChildren}, fixNone},
	// Optional Protocol on the sale of children: human rights, and its
	// definition of sale covers "engagement of the child in forced labour"
	// (art. 3(1)(a)(i)(c)), one of ILO C182's worst forms of child labour.
	"crc_op_sc": {KindProtocol, []string{IssueHumanRights, IssueChildLabour}, fixNone},
	// The remaining instruments are general human-rights treaties and their
	// optional protocols. CEDAW is not tagged gender-armed-conflict: its
	// text does not address armed conflict (that came with General
	// Recommendation 30 in 2013, which is not treaty text).
	"crc_op_ic": {KindProtocol, []string{IssueHumanRights}, fixNone},
	"cerd":      {KindConvention, []string{IssueHumanRights}, fixNone},
	"icescr":    {KindTreaty, []string{IssueHumanRights}, fixNone}, // a covenant
	"icescr_op": {KindProtocol, []string{IssueHumanRights}, fixNone},
	"iccpr":     {KindTreaty, []string{IssueHumanRights}, fixNone}, // a covenant
	"iccpr_op1": {KindProtocol, []string{IssueHumanRights}, fixNone},
	"iccpr_op2": {KindProtocol, []string{IssueHumanRights}, fixNone},
	"cedaw":     {KindConvention, []string{IssueHumanRights}, fixNone},
	"cedaw_op":  {KindProtocol, []string{IssueHumanRights}, fixNone},
	"cat":       {KindConvention, []string{IssueHumanRights}, fixNone},
	"cat_op":    {KindProtocol, []string{IssueHumanRights}, fixNone},
	"cmw":       {KindConvention, []string{IssueHumanRights}, fixNone},
	"crpd":      {KindConvention, []string{IssueHumanRights}, fixNone},
	"crpd_op":   {KindProtocol, []string{IssueHumanRights}, fixNone},
	"ced":       {KindConvention, []string{IssueHumanRights}, fixNone},
}

// treatyNames are the usual acronym and other names of the treaties,
// which the files' formal names do not contain (an analyst asks for "the
// Mine Ban Convention" or "the ICC", not for "Convention on the
// Prohibition of Anti-Personnel Mines"). They become the Agreement's
// acronym and aliases, which the full-text index searches. Only names in
// common use for the instrument itself. An optional protocol's names
// avoid its parent's acronym as a word of their own ("OP-CEDAW"): its
// formal name already holds it, and a second match would rank the
// protocol above the treaty when the acronym alone is searched.
var treatyNames = map[string]struct {
	acronym string
	aliases []string
}{
	"ottawa":      {"APMBC", []string{"Mine Ban Convention", "Mine Ban Treaty", "Ottawa Treaty", "Ottawa Convention", "Anti-Personnel Mine Ban Convention"}},
	"ccm":         {"CCM", []string{"Cluster Munitions Convention", "Oslo Convention"}},
	"att":         {"ATT", nil},
	"ccw":         {"CCW", []string{"Certain Conventional Weapons Convention", "Inhumane Weapons Convention"}},
	"ccw_p2a":     {"", []string{"Amended Protocol II"}},
	"ccw_p4":      {"", []string{"Protocol IV", "Blinding Laser Weapons Protocol"}},
	"ccw_p5":      {"", []string{"Protocol V", "Explosive Remnants of War Protocol"}},
	"cwc":         {"CWC", []string{"Chemical Weapons Convention"}},
	"ctbt":        {"CTBT", []string{"Test-Ban Treaty"}},
	"tpnw":        {"TPNW", []string{"Nuclear Weapon Ban Treaty", "Nuclear Ban Treaty"}},
	"enmod":       {"ENMOD", []string{"ENMOD Convention"}},
	"cerd":        {"ICERD", []string{"CERD", "Racial Discrimination Convention"}},
	"icescr":      {"ICESCR", []string{"Covenant on Economic, Social and Cultural Rights"}},
	"iccpr":       {"ICCPR", []string{"Covenant on Civil and Political Rights"}},
	"iccpr_op2":   {"", []string{"Death Penalty Protocol"}},
	"cedaw":       {"CEDAW", []string{"Women's Convention"}},
	"cat":         {"CAT", []string{"Convention against Torture", "Torture Convention"}},
	"cat_op":      {"OPCAT", nil},
	"crc":         {"CRC", []string{"Children's Convention", "UNCRC"}},
	"crc_op_ac":   {"OPAC", []string{"CRC-OPAC", "Optional Protocol on the involvement of children in armed conflict", "Child Soldiers Protocol"}},
	"crc_op_sc":   {"OPSC", []string{"Optional Protocol on the sale of children, child prostitution and child pornography"}},
	"crc_op_ic":   {"OPIC", []string{"Optional Protocol on a communications procedure"}},
	"cmw":         {"ICRMW", []string{"CMW", "Migrant Workers Convention"}},
	"crpd":        {"CRPD", []string{"Disability Convention"}},
	"ced":         {"CED", []string{"ICPPED", "Enforced Disappearance Convention"}},
	RomeStatuteID: {"", []string{"Rome Statute", "ICC Statute", "ICC", "International Criminal Court Statute"}},
}

// Acronym returns the usual acronym of a treaty (by file treaty_id), or "".
func Acronym(treatyID string) string { return treatyNames[treatyID].acronym }

// Aliases returns the usual names of a treaty (by file treaty_id): its
// acronym first, then the other names; nil when it has none. The acronym
// is among them so that searching it matches the treaty in two fields
// (acronym and aliases) and ranks it above the protocols whose formal
// names contain it.
func Aliases(treatyID string) []string {
	n := treatyNames[treatyID]
	var out []string
	if n.acronym != "" {
		out = append(out, n.acronym)
	}
	return append(out, n.aliases...)
}

// The Rome Statute file names no treaty, id or URL, so they are fixed here.
const (
	RomeStatuteID        = "rome-statute"
	romeStatuteName      = "Rome Statute of the International Criminal Court"
	romeStatuteMTDSG     = "XVIII-10"
	romeStatuteSourceURL = "https://treaties.un.org/Pages/ViewDetails.aspx?src=TREATY&mtdsg_no=XVIII-10&chapter=18&clang=_en"
)

// Rome Statute: establishes the International Criminal Court. It also
// codifies war crimes (IHL), sexual and gender crimes and the recruitment
// of children under 15, but its subject — and the coalition (CICC) that
// campaigned for it — is the court; those themes are left to the
// instruments that address them directly.
var romeStatuteInfo = treatyInfo{KindTreaty, []string{IssueInternationalCriminal}, fixNone}

// AgreementID returns the graph id of a treaty's Agreement node:
// "agreement:" + the treaty id with "_" replaced by "-", e.g.
// "crc_op_ac" -> "agreement:crc-op-ac", "rome-statute" ->
// "agreement:rome-statute".
func AgreementID(treatyID string) string {
	return "agreement:" + strings.ReplaceAll(treatyID, "_", "-")
}

func newTreaty(id, name string, info treatyInfo, mtdsg, openYear, sourceURL, file string) Treaty {
	return Treaty{
		ID:           id,
		AgreementID:  AgreementID(id),
		Name:         name,
		Kind:         info.kind,
		IssueAreaIDs: append([]string(nil), info.issues...),
		AdoptedOn:    "", // no file states an adoption date; see Treaty.OpenYear
		SourceURL:    sourceURL,
		MTDSGNo:      mtdsg,
		OpenYear:     openYear,
		Acronym:      Acronym(id),
		Aliases:      Aliases(id),
		File:         file,
	}
}
