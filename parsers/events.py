"""Recognise merger steps in one sentence: proposals, consultations, meetings, votes, decisions and outcomes."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from parsers.gates import Gated
from parsers.vocab import Body, EventType, Outcome

# A condition or supposition: nothing in the sentence has happened ("If NHS England were not in favour ...").
CONDITIONAL = Gated(re.compile(
    r"^\s*(?:if|unless|should (?:the|they|it|NHS)|were (?:the|they|it)|in the event)\b|,\s*if\b|\bif (?:the|a|any|NHS|they|it|we|GP|members|this)\b"
    r"|\bwhat would happen\b",
    re.IGNORECASE,
), ('if', 'unless', 'should', 'were ', 'in the event', 'what would'))
# Modal or speculative wording: a step that would, could or may happen is not a step that happened.
HEDGE = Gated(re.compile(
    r"\b(?:would|could|might|should|must)\b|(?-i:\bmay\b)|\bwill (?:need|have) to\b|\b(?:need|needs|have|has) to be\b"
    r"|\bpotential(?:ly)? option\b|\bone (?:potential |possible )?option\b|\bsubject to\b|\bawait(?:ing|s)?\b"
    r"|\bany (?:application|decision|proposal|merger)\b|\bintend(?:s|ed)? to\b|\bplan(?:s|ned)? to\b|\baim(?:s|ed)? to\b"
    r"|\bexpected to\b|\bhoping to\b|\bhope to\b|\bseek(?:s|ing)? to\b|\bwant(?:s)? to\b|\blikely\b|\bunlikely\b"
    r"|\bset to\b|\bdue to\b|\bpending\b|\bif\b|\bunless\b|\bpossible\b|\bpossibly\b|\bwhether\b",
    re.IGNORECASE,
), ('would', 'could', 'might', 'should', 'must', 'may', 'need', 'have to', 'has to', 'option', 'subject to', 'await', ' any ', 'intend', ' plan', ' aim', 'expect', 'hop', 'seek', 'want', 'likely', 'set to', 'due to', 'pending', ' if ', 'unless', 'possib', 'whether'))
# Denials: "no decisions have been made", "has not yet applied", "did not approve".
NEGATION = Gated(re.compile(
    r"\bno (?:final )?decisions?\b(?: \w+){0,3} (?:been|be) (?:made|taken|reached)|\bno decision to\b"
    r"|\b(?:has|have|had|was|were|is|are|did|does|do)(?:n[’']t| not)\b|\bnot yet\b|\bnever\b|\bneither\b"
    r"|\bno (?:application|vote|approval)\b|\bwithout (?:a|any) (?:vote|decision)\b|\brather than\b",
    re.IGNORECASE,
), ('no ', 'not', "n't", 'n’t', 'never', 'neither', 'without', 'rather than'))
QUESTION = re.compile(r"\?\s*$")
FUTURE = Gated(re.compile(r"\b(?:will|shall|is to|are to|is due to|are due to|to be (?:held|taken|put)|is being asked|are being asked"
                    r"|are invited|is scheduled|are scheduled|next month|next week|later this)\b", re.IGNORECASE), ('will', 'shall', 'is to', 'are to', 'due to', 'to be ', 'being asked', 'invited', 'scheduled', 'next month', 'next week', 'later this'))

NHSE = (r"(?:NHS England(?: and NHS Improvement| and Improvement)?|NHSE(?:/I|&I)?|NHS E/I|the regulators?|[Rr]egulators"
        r"|the Secretary of State(?: for Health(?: and Social Care)?)?"
        r"|DHSC|the Department of Health(?: and Social Care)?|(?:the )?(?:health )?ministers?|the national (?:team|body)"
        r"|the government|government)")
OBJECT = r"(?:the |their |its |a |an |our |this |these )?(?:\w+[- ]){0,3}(?:merger|application|proposals?|plans?|bid|request|case|changes?|SCO|CCG|ICB)"

PATTERNS: dict[EventType, re.Pattern[str]] = {
    EventType.REJECTION: re.compile(
        rf"\b{NHSE}\s+(?:rejects|turns down|refuses|blocks|vetoes)\b"
        rf"|\b{NHSE}\s+(?:has |have |had )?(?:said |stated |made clear )?(?:(?:that )?it )?(?:cannot|can ?not|could not|"
        rf"(?:is|was) unable to|would not|will not) (?:support|approve|back|agree to)\b"
        rf"|\b{NHSE}\s+(?:has |have |had )?(?:(?:now|formally|subsequently) )?(?:rejected|turned down|refused|declined|blocked|vetoed|"
        rf"did not (?:approve|support|back|authorise)|not approved)\b(?! to comment)"
        rf"|\b(?:application|bid|request|merger)\w*\s+(?:\w+\s+){{0,6}}(?:was|were|has been|have been|had been)\s+(?:rejected|turned down|refused|"
        rf"declined|blocked|unsuccessful|not approved)\b(?:\s+by\s+{NHSE})?"
        rf"|\brejected by {NHSE}|\brefused (?:permission|approval|authorisation)\b"
        rf"|\b(?:application|bid|request|merger|proposal)\w*\s+(?:could|would|can|will) not be (?:supported|approved|agreed)\b"
        rf"|\b(?:was|were|has|have|had) not (?:been )?(?:supported|approved|agreed) by {NHSE}",
        re.IGNORECASE),
    EventType.WITHDRAWAL: re.compile(
        r"\b(?:withdr[ae]w[n]?|withdrawing|dropped|abandon(?:ed|s|ing)?|scrapped|ditched|shelved|called off|ruled out|axed|binned"
        r"|(?:will|would) not (?:now )?(?:be )?going ahead|(?:agreed|decided|voted|resolved) to (?:withdraw|abandon|drop|scrap|stop)"
        r"|pulled out|pull out|walked away|decided (?:not|against) (?:to )?(?:proceed|pursu|go(?:ing)? ahead|merg)\w*"
        r"|(?:will|would) (?:now )?not (?:now )?(?:proceed|go ahead|be pursued|pursue|happen|take place)|no longer (?:be )?(?:proceed|pursu|go(?:ing)? ahead|plan)\w*"
        r"|not (?:be )?(?:proceeding|going ahead)|(?:plans|proposals?|merger) (?:has|have) been (?:dropped|abandoned|scrapped)"
        r"|(?:(?:stepped|stepping|steps) back from|(?:backed|backing|backs) away from|(?:turned|turning) (?:their|its) back on)"
        r"\s+(?:the |their |its |these |those )?(?:[\w-]+ ){0,2}?(?:merger|merging|plans?|proposals?))\b",
        re.IGNORECASE),
    EventType.DEFERRAL: re.compile(
        r"\b(?:deferr?(?:ed|al|ing)|postpone(?:d|ment|s)?|paused|put on hold|on hold|put back|pushed back|delayed|delay(?:ing)?"
        r"|(?:agreed|decided|voted|resolved) to (?:pause|defer|postpone|delay|put back|halt)|put on ice|halted"
        r"|(?:put|putting|pushed|pushing) (?:the |their |its |our |these |those )?(?:[\w-]+ ){0,3}?(?:on ice|on hold|back|on the back burner)|suspended|on pause|put on the back burner|kicked into the long grass|(?:will|would) now (?:take place|happen|go ahead|merge|go live|launch|start|take effect) (?:in|on|from)|not before"
        r"|timetable (?:has )?slipped|slipped (?:back )?(?:to|until))\b",
        re.IGNORECASE),
    EventType.APPROVAL: re.compile(
        rf"\b{NHSE}\s+(?:approves|backs|rubber-stamps|signs off|gives (?:the )?(?:go-ahead|green light)|clears)\b"
        rf"|\brubber-stamped\b"
        rf"|\b{NHSE}\s+(?:has |have |had )?(?:now |formally |officially |conditionally |subsequently )?(?:approved|authorised|agreed|"
        rf"signed off|gave (?:the |its |their )?(?:formal |final |conditional )?(?:approval|go-ahead|green light|backing)|given (?:the |its |their )?(?:formal |final |conditional )?(?:approval|go-ahead|green light|backing)|granted|supported|"
        rf"ratified|backed|sanctioned|confirmed (?:its |the )?(?:approval|go-ahead)"
        rf"|confirmed (?:the |their |its )?(?:\w+[- ]){{0,3}}?(?:merger|application|plans?|proposals?)(?! (?:will|would|is|are|was|were)\b))"
        rf"|\b(?:national|official|formal) announcement\b.{{0,40}}?\b(?:confirmed|approved)\b"
        rf"|\b{NHSE}\s+(?:has |have |had )?(?:now |formally |officially )?confirmed (?:that )?(?:[\w’'-]+ ){{0,8}}?"
        rf"(?:can|could|will|may|would) (?:now )?(?:go ahead|proceed|merge|form|become|cluster)\b"
        rf"|\b(?:was|were|has been|have been|had been|been|got|gets|get|received)\s+(?:given\s+)?(?:the\s+|a\s+)?"
        rf"(?:formal\s+|final\s+|conditional\s+)?(?:green light|go-ahead|thumbs up)\b"
        rf"|\bapproved in principle\b"
        rf"|\b(?:given|granted)\s+(?:[\w-]+\s+){{0,3}}?(?:seal of )?approval\s+(?:by|from)\s+{NHSE}"
        rf"|\b(?:received|been given|been granted|gained|secured|won|got|obtained)\s+(?:\w+\s+){{0,3}}(?:approval|authorisation|"
        rf"go-ahead|green light|sign-off)"
        rf"|\b(?:application|merger|bid|proposal|plans?|request)\w*,?\s+(?:[\w’'-]+,?\s+){{0,12}}?(?:was|were|has been|have been|had been)\s+"
        rf"(?:formally |conditionally |officially |now )?(?:approved|authorised|given the go-ahead|given the green light|agreed|signed off)"
        rf"(?:\s+by\s+{NHSE})?"
        rf"|\b(?:(?:has|have|had)\s+(?:now\s+)?been|was|were)\s+(?:now\s+|formally\s+|officially\s+)?(?:confirmed|authorised|ratified)"
        rf"\s+by\s+{NHSE}"
        rf"|\b(?:approved|authorised|ratified|signed off|sanctioned) by {NHSE}|\bgreen light (?:from|by) {NHSE}|\b{NHSE} approval (?:was|has been) (?:given|granted|received)"
        rf"|\b(?:approval|authorisation|go-ahead)\s+(?:\w+\s+){{0,3}}(?:was|has been|had been)\s+(?:formally\s+)?(?:confirmed|given|granted|received)"
        rf"|^(?:[\w-]+\s+){{0,2}}(?:go-ahead|green light|approval|approved)\s+(?:for|to)\b"
        rf"|\b(?:set out|announced|confirmed|approved|agreed) in a (?:written )?ministerial statement"
        rf"|,\s+{NHSE}\s+(?:has|have)\s+confirmed\.?$",
        re.IGNORECASE),
    EventType.APPLICATION: re.compile(
        r"\b(?:submitted|made|lodged|sent|put in|filed)\s+(?:\w+\s+){0,4}(?:application|bid|request)s?\b"
        r"|\bapplication,?\s+(?:formally\s+)?(?:submitted|made|lodged|sent)\b|\b(?:CCGs?|ICBs?)\s+appl(?:y|ies)\s+(?:to|for)\b"
        r"|\bapplied (?:to|for)\b|\b(?:CCGs?|ICBs?|they|we|bodies|groups|boards)\s+(?:\w+\s+)?applied\b|\bapplication\w*\s+(?:\w+\s+){0,6}(?:was|were|has been|have been|had been)\s+"
        r"(?:formally )?(?:submitted|made|lodged|sent)\b|\bapplication\s+(?:went in|went off|was sent off)\b"
        r"|\bapplication\s+(?:has|had)\s+(?:now\s+)?(?:gone|been sent)\s+to\b"
        # Headline and timeline style: "Application to merge submitted to NHS England", "CCGs submit merger bid".
        r"|\bapplication\s+(?:\w+\s+){0,4}?(?:submitted|lodged|sent)\s+to\b|\b(?:submits|lodges)\s+(?:\w+\s+){0,3}?"
        r"(?:application|bid)\b"
        rf"|\b(?:put forward|submitted|presented|sent)\s+(?:a |an |the |their |its )?(?:formal |full )?(?:business )?case\s+"
        rf"(?:\w+\s+){{0,3}}?to\s+{NHSE}"
        rf"|\b{NHSE}\s+(?:is|are|was|were)\s+(?:now\s+|currently\s+)?(?:considering|assessing|reviewing)\s+(?:the|their|its)\s+"
        r"(?:merger\s+)?application\b|\bsubmitted (?:their|its|the|a) (?:formal )?(?:merger )?(?:application|case)\b",
        re.IGNORECASE),
    EventType.MEMBER_VOTE: re.compile(
        r"\b(?:vot(?:e|ed|es|ing)|ballot(?:ed|s)?|poll(?:ed)?)\b"
        r"|\b(?:members?|practices|GPs|memberships?)\s+(?:[\w’'-]+,?\s+){0,16}?(?:have |has |had )?(?:all |both |each |also )?"
        r"(?:backed|rejected|supported|endorsed|approved|opposed|turned down|agreed|refused|thrown out|said no|said yes"
        r"|back|backs|reject|rejects|support|supports|oppose|opposes|endorse|endorses)\b"
        r"|\bmotion\b.{0,160}?\b(?:carried|passed|approved|defeated|lost|fell|rejected)\b"
        r"|\b(?:required|needed|necessary) (?:\d+% |two-thirds |three-quarters |\w+ )?majority\b|\bmajority (?:required|needed)\b"
        r"|\b(?:approved|backed|supported|endorsed|rejected|opposed) by (?:the |their |its |all |both )?(?:\w+ )?"
        r"(?:member practices|GP members|practices|GPs|members|membership)\b"
        r"|\b(?:failed to (?:secure|win|reach|achieve|get|gain)|fell short of|did not (?:secure|reach|achieve|get|gain))\s+"
        r"(?:the\s+)?(?:required\s+|necessary\s+|needed\s+)?(?:\d+(?:\.\d+)?\s*(?:%|per cent)|two-thirds|majority|threshold)"
        r"|\b(?:per cent|percent|%)\s+(?:of\s+(?:\w+\s+){0,3})?(?:in favour|against|for|backed|supported|opposed)\b"
        r"|\b\d+\s+(?:\w+\s+)?(?:in favour|against)\b"
        r"|\b(?:members?|practices|GPs)\s+(?:[\w’'-]+\s+){0,6}?(?:have |has |had )?(?:given|gave)\s+(?:[\w-]+\s+){0,4}?"
        r"(?:their|its)\s+(?:full\s+|unanimous\s+|overwhelming\s+)?(?:backing|support|approval|blessing)\b",
        re.IGNORECASE),
    EventType.GOVERNING_BODY_DECISION: re.compile(
        r"(?<!members of )(?<!majority of )(?<!practices in )(?<!practices of )"
        r"\b(?:governing bod(?:y|ies)|boards?(?! of (?:NHS England|directors of the trust))|the CCGs|all (?:\w+ )?CCGs|each CCG"
        r"|(?:two|three|four|five|six|seven|eight|nine|ten|\d+) (?:of the (?:\w+ )?)?CCGs)"
        r",?\s+(?:(?!that\b)[\w’'-]+,?\s+){0,24}?"
        r"(?:have |has |had )?(?:unanimously |formally |each |all |now )?(?:agreed|approved|voted|decided|supported|endorsed|ratified|"
        r"rejected|resolved|recommended|backed|signed off|made a recommendation|gave (?:their|its) (?:support|approval|backing)"
        r"|approves|agrees|supports|endorses|ratifies|(?<=bodies )(?:agree|approve|decide|vote|back|support|endorse)"
        r"|(?<=boards )(?:agree|approve|decide|vote|back|support|endorse)"
        # "Governing bodies of NHS A CCG and NHS B CCG agree to ...": a plural subject ending in the names.
        r"|(?<=CCG )(?:agree|approve|decide|vote|back|endorse)|(?<=CCGs )(?:agree|approve|decide|vote|back|endorse))\b"
        r"|^\s*(?:it was\s+)?(?-i:RESOLVED|AGREED|DECIDED|Resolved|Agreed)\b\s*(?:[:–—-]|that\b|to\b)"
        r"|\bit was (?:resolved|agreed|decided) (?:that|to)\b"
        r"|\b(?:approved|agreed|endorsed|ratified|supported|backed|rejected) by (?:the |their |its |each |both |all )?(?:\w+ )?"
        r"(?:governing bod(?:y|ies)|boards?|CCGs|CCG governing bodies)\b",
        re.IGNORECASE),
    EventType.CONSULTATION_START: re.compile(
        r"\b(?:consultation|engagement (?:exercise|period)|listening exercise)\w*\s+(?:\w+\s+){0,4}?(?:had |has |have |was |is |will |)"
        r"(?:start|began|begun|begin|launch|open|run|ran|go live|went live|kick)\w*"
        r"|\b(?:launch|start|open|began|begin)\w*\s+(?:a |an |the |its |their )?(?:\w+\s+){0,3}?(?:consultation|engagement)\b"
        r"|\b(?:consultation|engagement)\b(?:\W+\w+){0,6}?\W+(?:is|are|gets|got|has got|goes|went) (?:now )?(?:under ?way|live|open)\b"
        r"|\b(?:are|is) being asked (?:for )?(?:their|your) views\b"
        r"|\b(?:want|like|wish)s? to hear (?:your|the) views\b|\bhave your say\b|\b(?:are|is|now) consulting\b"
        r"|\bconsultation (?:is (?:now )?open|on (?:the|their|its) proposals?|period)\b|\bseek(?:ing|s)? (?:the )?(?:public'?s? )?(?:views|feedback)\b"
        r"|\bengag(?:ing|ed|e|es)\s+(?:with\s+)?(?:[\w,]+\s+){0,6}?(?:the public|patients|residents|local people|communities)\b"
        r"|\b(?:consultation|engagement)(?: exercise| period| process)?\s+(?:was |were |had been |has been |being )?"
        r"(?:carried out|held|undertaken|conducted)\b"
        r"|\b(?:fill in|complete|take part in|respond to)\s+(?:our|the|a|this)\s+(?:short\s+|online\s+)?"
        r"(?:survey|questionnaire|consultation)\b"
        r"|\b(?:hold|holding|held|running|run|carry(?:ing)? out|carried out)\s+(?:a |an |the |our )?(?:[\w-]+\s+){0,3}?"
        r"(?:consultation|engagement)\b"
        r"|\bpublic consultation\b|(?:^|:\s+)(?:public|formal) engagement\b|\b(?:period of |public )?(?:engagement|consultation)\b.{0,80}?\b(?:began|begins|begin|begun|"
        r"started|starts|opened|opens|launched|launches|ran|runs|run|running)\b",
        re.IGNORECASE),
    EventType.CONSULTATION_END: re.compile(
        r"\b(?:consultation|engagement (?:exercise|period))\w*\s+(?:[\w,]+\s+){0,14}?(?:clos|end|conclud|finish|ran until|runs until|"
        r"will run until|deadline)\w*"
        r"|\b(?:until|closing date|deadline)\b.*\bconsultation|\bconsultation\b.*\b(?:until|closes?|ends|closing date|deadline"
        r"|(?:will|to) (?:close|end|finish|conclude|run until))\b"
        r"|\b(?:survey|questionnaire)\b.{0,40}?\b(?:by|until|till|closes?|closing|ends)\b",
        re.IGNORECASE),
    EventType.PUBLIC_MEETING: re.compile(
        r"\bpublic (?:meeting|event|engagement event|drop-in|session|forum|listening event)s?\b|\bdrop-in (?:session|event)s?\b"
        r"|\broadshows?\b|\blistening events?\b|\bengagement events?\b(?! (?:for|with) (?:staff|GP|member|practice))"
        r"|\bcommunity (?:events?|meetings?)\b|\btown hall (?:meeting|event)s?\b",
        re.IGNORECASE),
    EventType.MEETING: re.compile(
        r"\b(?:extraordinary|special|annual general|general|board|governing body|committee|joint|scrutiny|members'?|membership)"
        r"\s+meetings?\b|\bmeeting (?:of|in common)\b|\bmeetings? in public\b|\bDecided at meeting\b|\bDate of decision\b"
        r"|\bmeet (?:in common |in public |again |jointly )?on\b|\bmeet (?:in common|in public|jointly)\b|\bnext meeting\b"
        r"|\bat (?:their|its|a|the next) meetings? (?:in|on)\b",
        re.IGNORECASE),
    EventType.EFFECTIVE: re.compile(
        r"\b(?:formally |officially |legally )?(?:merged|came into (?:being|existence|effect)|was (?:formally |officially )?"
        r"(?:established|created|formed|launched|born)|were (?:formally |officially )?(?:dissolved|abolished|merged|replaced)"
        r"|went live|began (?:operating|operation|work)|(?:is|are) (?:now |formally |officially )?(?:established|launched|born)|"
        r"(?<=CCG )(?:formally |officially )?(?:established|launched|created)|(?<=ICB )(?:formally |officially )?"
        r"(?:established|launched|created)|(?:has|have) (?:now |officially |formally )?(?:merged|been established|"
        r"been created|replaced|come into being|launched|dissolved)|is now (?:live|operational|in place)|took over"
        r"|(?<=merger )(?:formally |officially )?(?:took effect|went ahead|took place|was completed|completed|happened|went live)"
        r"|(?<=mergers )(?:formally |officially )?(?:took effect|went ahead|took place|were completed|completed|happened)"
        r"|(?:have |has |now )?(?:operated|operating|operates) as (?:a single|one) (?:CCG|ICB|organisation|commissioner|statutory body)"
        r"|(?<=CCGs )(?:are|became) (?:now )?(?:one|a single) (?:organisation|CCG)|(?<=ICBs )(?:are|became) (?:now )?(?:one|a single)"
        r" (?:organisation|ICB)|(?:is|are) (?:now )?up and running)\b",
        re.IGNORECASE),
    EventType.PROPOSAL: re.compile(
        r"\bpropos(?:e|es|ed|al|als|ing)\b|\bplans\b(?! for the (?:winter|year))|\bplan (?:to|for|is)\b|\bintention to\b"
        r"|\bintend(?:s|ed)? to\b"
        r"|\b(?:explor|consider|look|investigat|discuss)\w*\s+(?:\w+\s+){0,4}?(?:merg|option|single|closer)\w*"
        r"|\boptions?\b|\bcase for change\b|\b(?:are|is) set to\b|\bin talks\b|\brecommend\w*\b|\bcould merge\b"
        r"|\bwould (?:merge|become|form|create)\b|\bstrategic direction\b|\baim (?:is )?to\b|\bpreferred option\b"
        r"|\bexpression of (?:interest|intent)\b|\bnotif\w+ (?:\w+ ){0,3}intention\b"
        r"|\b(?:will|would|to|could)\s+(?:\w+\s+)?(?:merge|form|cluster|become|combine|join)\b",
        re.IGNORECASE),
}

# Words without which a pattern cannot match (lower case; the sentence is padded with spaces).
_PATTERN_KEYS: dict[EventType, tuple[str, ...]] = {
    EventType.REJECTION: ("reject", "turned down", "refus", "declin", "block", "veto", "did not", "not approved", "unsuccessful",
                          "not be ", "not supported", "not been supported", "not agreed", "turns down",
                          "cannot", "can not", "could not", "unable", "would not", "will not"),
    EventType.WITHDRAWAL: ("withdr", "stop", "drop", "abandon", "scrap", "ditch", "shelv", "called off", "ruled out", "pull", "axed", "binned",
                           "walked away", "decided", "not ", "no longer", "back from", "away from",
                           "back on"),
    EventType.DEFERRAL: ("defer", "postpon", "pause", "hold", "put back", "pushed back", "delay", " ice", "long grass", "slipped",
                         "halted", "suspended", " back", "back burner", "now merge", "now go live", "now launch", "now start", "now take effect",
                         "now take place", "now happen", "now go ahead", "not before"),
    EventType.APPROVAL: ("approv", "authoris", "go-ahead", "green light", "sign-off", "signed off", "ministerial", "announcement",
                         "thumbs up",
                         "nhs england", "nhse", "regulator", "secretary of state", "dhsc", "department of health",
                         "minister", "government", "national team", "national body"),
    EventType.APPLICATION: ("appl", "bid", "request", "submitted", "case"),
    EventType.MEMBER_VOTE: ("vot", "ballot", "given", "gave", "poll", "back", "reject", "support", "endorse", "approved", "oppose", "motion",
                            "majority", "failed to", "fell short", "did not",
                            "turned down", "agreed", "refused", "thrown out", "said no", "said yes", "per cent", "percent",
                            "%", "in favour", "against"),
    EventType.GOVERNING_BODY_DECISION: ("agreed", "approved", "voted", "decided", "supported", "endorsed", "ratified",
                                        "rejected", "resolved", "recommend", "backed", "signed off", "gave", "approves",
                                        "agrees", "supports", "endorses", "ratifies", "agree", "approve", "decide", "vote",
                                        "back", "support", "endorse"),
    EventType.CONSULTATION_START: ("consult", "engag", "survey", "questionnaire", "listening", "hear", "have your say", "seek", "views",
                                   "feedback"),
    EventType.CONSULTATION_END: ("consult", "engagement", "survey", "questionnaire"),
    EventType.PUBLIC_MEETING: ("public", "drop-in", "roadshow", "listening", "engagement event", "community", "town hall"),
    EventType.MEETING: ("meeting", "meet ", "decided at", "date of decision"),
    EventType.EFFECTIVE: ("merged", "came into", "established", "created", "formed", "launched", "born", "dissolved",
                          "abolished", "replaced", "went live", "began", "come into", "is now", "took over", "merged",
                          "took effect", "went ahead", "took place", "complet", "happened", "operat", "are one", "became one",
                          "are now one", "are a single", "are now a single", "became a single", "up and running"),
    EventType.PROPOSAL: ("propos", "plans", "plan ", "intend", "intention", "explor", "consider", "look", "investigat",
                         "discuss", "option", "case for change", "set to", "in talks", "recommend", "strategic direction",
                         "aim ", "aim is", "expression of", "notif", "merge", "form", "cluster", "become", "combine",
                         "join", "could merge"),
}
GATED_PATTERNS = {kind: Gated(pattern, _PATTERN_KEYS[kind]) for kind, pattern in PATTERNS.items()}

MERGER_INTENT = Gated(re.compile(r"\b(?:application|notif\w*|letter)\b.{0,60}\b(?:intention|intent|interest)\b", re.IGNORECASE), ('intent', 'interest'))
EXPLORATORY = Gated(re.compile(r"\b(?:to )?(?:explore|consider|look (?:at|into)|investigate|develop (?:a |the )?(?:full )?case"
                         r"|further work|two options|options?|work towards|working towards|move towards)\b", re.IGNORECASE), ('explor', 'consider', 'look', 'investigat', 'develop', 'further work', 'option', 'toward'))

AGAINST = Gated(re.compile(
    r"\b(?:against|reject\w*|turned down|voted down|oppos\w+|refus\w+|did not (?:support|back|approve|agree)|not support\w*"
    r"|failed to (?:win|secure|reach|achieve|get)|fell short|no vote|said no|threw out|thrown out|blocked"
    r"|did not (?:achieve|reach|get|secure|receive|obtain|win)|not (?:achieve|reach|secure) the required"
    r"|tied|not carried|was lost|were lost|defeated|did not pass|not passed|short of|fell|rejects?|opposes?|voted no|voting no"
    r"|not (?:been )?(?:reached|achieved|met|secured))\b",
    re.IGNORECASE), ('against', 'reject', 'turned down', 'voted down', 'oppos', 'refus', 'did not', 'not support', 'failed', 'fell short', 'no vote', 'said no', 'threw out', 'thrown out', 'blocked', 'tied', 'not carried', 'lost', 'defeated', 'not pass', 'short of',
                     'fell', 'voted no', 'voting no', 'reached', 'achieved', ' met', 'secured'))
FOR = Gated(re.compile(
    r"\b(?:in favour|for the|voted for|voted to|backed|backing|blessing|support(?:ed|s)?|approv\w+|endors\w+|agreed|ratified|unanimous\w*|said yes"
    r"|go-ahead|green light|yes vote|voted in support|carried|passed|backs?|supports|endorses|voted yes|voting yes)\b",
    re.IGNORECASE), ('favour', 'for the', 'voted', 'back', 'blessing', 'support', 'approv', 'endors', 'agreed', 'ratified', 'unanimous',
                     'said yes', 'go-ahead', 'green light', 'yes vote', 'carried', 'passed', 'voted yes', 'voting yes'))
PENDING = Gated(re.compile(
    r"\b(?:will (?:be )?(?:vote|ballot|decide|consider|poll)\w*|(?:is|are) (?:due|set|expected|scheduled) to (?:vote|decide|be)"
    r"|(?:is|are) being (?:asked|balloted|polled)|to be (?:balloted|polled|asked)|vote (?:is|was) due|(?:ballot|vote|voting|poll) "
    r"(?:opens|will open|closes|will close|will take place|is taking place|takes place|begins|runs)|are voting|are now voting"
    r"|(?:result|outcome)s? (?:of the (?:vote|ballot) )?(?:is|are|will be) (?:due|expected|announced)"
    r"|(?:will|are to|are going to|is to) (?:shortly |then |now |soon )?(?:be )?(?:asked|invited|given the chance) to vote"
    r"|(?:votes?|ballots?|polls?)(?: of (?:\w+ ){0,3}?\w+)? (?:is |are |was |were )?(?:expected|planned|scheduled|proposed|due)|(?:will|to) (?:shortly |soon )?receive (?:their |the )?ballot"
    r"|(?:voting|ballot|poll) (?:closes|opens|will close|will open)"
    r"|(?:votes?|ballots?|polls?)(?: of (?:\w+ ){0,3}?\w+)? (?:will|is due to|is to|is set to|are due to) (?:be held|take place|close|open|run))\b",
    re.IGNORECASE), ('will', 'due', 'set to', 'expected', 'scheduled', 'being', 'to be', 'ballot', 'vot', 'poll', 'result', 'outcome', 'asked', 'invited', 'receive'))

VOTE_VERB = re.compile(r"\b(?:voted|balloted|backed|rejected|supported|opposed)\b", re.IGNORECASE)
ADVICE = Gated(re.compile(r"(?<!\bbe )(?<!\bbeen )(?<!\bbeing )(?<!\bwere )(?<!\bare )\b(?:advis|urg|call(?:ed|ing)? on|encourag|ask|told|recommend)\w*\s+(?:that\s+)?(?:\w+\s+){0,4}?(?:to )?"
                    r"(?:reject|back|support|vote|oppose|approve)|\bmake sure (?:\w+\s+){0,3}votes\b"
                    r"|\b(?:declined|refused|unable) to comment\b", re.IGNORECASE), ('advis', 'urg', 'call', 'encourag', 'ask', 'told', 'recommend', 'make sure', 'comment'))
# An option among others, or a step that "would require" something, is not yet a proposal.
NOT_PROPOSED = Gated(re.compile(r"\b(?:one|a|another|an) (?:potential |possible )?option\b|\bwould (?:require|need|have to)\b"
                          r"|\bany (?:application|proposal)\b|\bno (?:final )?decisions?\b", re.IGNORECASE), ('option', 'would', 'any ', 'no '))
RESULT_TOLD = re.compile(r"(?:The|Its|Their) (?:final )?results? (?:was|were) (?:announced|declared|published|confirmed|revealed)\b",
                         re.IGNORECASE)
VOTE_CLOSED = Gated(re.compile(r"\b(?:vot\w+|ballot\w*|poll)\s+(?:\w+\s+){0,20}?(?:closed|ended|took place|was held|were counted|"
                         r"concluded|finished)\b|\b(?:were|was) balloted (?:during|in|on|between|over)\b|\b(?:received|announced|published|declared) the results? of the (?:\w+\s+){0,2}"
                         r"(?:votes?|ballots?)|\bresults? of the (?:\w+\s+){0,3}(?:votes?|ballots?)\b.{0,240}?\b(?:were|was|have been|has been)"
                         r" (?:published|announced|declared|received|confirmed)", re.IGNORECASE), ('vot', 'ballot', 'poll', 'result'))
APPLY_DECISION = Gated(re.compile(r"\b(?:to (?:submit|make|send|lodge)\s+(?:\w+\s+){0,3}?application|to apply\b|that an application be"
                                  r"|approv\w* (?:the |an |its |their )?(?:formal )?(?:merger )?application|\b(?:that|resolved) (?:the )?(?:CCGs?|ICBs?|we|it|they) (?:should )?apply\b)",
                            re.IGNORECASE), ('appl',))
PLANNED_EFFECTIVE = Gated(re.compile(
    r"\b(?:will|would|is to|are to|is due to|are due to|is set to|are set to|to) (?:formally |officially )?merge (?:on|from)\b"
    r"|\b(?:will|would|is to|are to|is due to|are due to|is set to|are set to) (?:formally |officially |legally )?(?:come into (?:being|existence|effect)|be (?:formally |officially )?"
    r"(?:established|created|formed|launched|replaced)|go live|replace|launch|start operating|begin operating|take over|take effect)\b"
    r"|\b(?:takes?|comes?) (?:effect|into being)\b"
    r"|\bnew (?:CCG|ICB|organisation|body|board)\s+(?:will\s+)?(?:starts?|begins?|launch(?:es)?|goes live)\b",
    re.IGNORECASE), ('will', 'would', 'is to', 'are to', 'due to', 'set to', 'to merge', 'take', 'come', 'start',
                     'begin', 'launch', 'goes live'))
GP_BODY = Gated(re.compile(r"\b(?:GPs?|members?|member practices|practices?|memberships?|GP practices|constituent practices|LMC)\b",
                     re.IGNORECASE), ('gp', 'member', 'practice', 'lmc'))
GB_VOTE = Gated(re.compile(r"\bgoverning bod(?:y|ies)|\bboards?\b", re.IGNORECASE), ('governing', 'board'))


@dataclass(frozen=True)
class Cue:
    """One event type recognised in a sentence, where its trigger words sit, and its vote-like result."""

    type: EventType
    start: int
    end: int
    body: Body | None = None
    outcome: Outcome | None = None
    # "exploratory" (a vote to explore options), "apply" (a decision to apply), "date_only" (dates a vote told
    # elsewhere: "Voting closed on 28 June"), "planned" (an effective date announced ahead).
    flag: str = ""

    @property
    def exploratory(self) -> bool:
        return self.flag == "exploratory"


# Minutes report speech with "would" ("the consultation would conclude in July"), so plain "would" is not a hedge here.
MODAL = Gated(re.compile(r"\b(?:could|might|should|must)\b|(?-i:\bmay\b)|\b(?:will|would) (?:need|have) to\b"
                   r"|\bwould (?:require|also|be required)\b|\b(?:need|needs) to\b|\brequire[sd]?\b|\bif\b", re.IGNORECASE), ('could', 'might', 'should', 'must', 'may', 'need', 'would', 'require', ' if '))
PAST_VOTE = Gated(re.compile(r"\b(?:have|has|had)\s+(?:\w+\s+)?(?:voted|backed|rejected|supported|approved|opposed)\b"
                       r"|\bvoted (?:against|for|in favour|to)\b", re.IGNORECASE), ('voted', 'backed', 'rejected', 'supported', 'approved', 'opposed'))


def _vote_outcome(sentence: str) -> Outcome | None:
    if PENDING.search(sentence) and not PAST_VOTE.search(sentence):
        return Outcome.PENDING
    against, favour = AGAINST.search(sentence), FOR.search(sentence)
    if against and favour:
        # "voted against ... rather than for": whichever verb phrase comes first carries the result.
        return Outcome.AGAINST if against.start() < favour.start() else Outcome.FOR
    if against:
        return Outcome.AGAINST
    if favour:
        return Outcome.FOR
    return None


SUBJECT_TO_CONDITIONS = re.compile(r"\bsubject to (?:a (?:number|series|set) of |some |several |certain |)"
                                   r"(?:conditions|undertakings)\b"
                                   r"|\bsubject to (?:the |final |formal )*(?:approval|agreement|consent|sign-off|ratification)"
                                   r"(?: (?:of|by|from) (?:the )?[\w ]{2,40}?(?=[,.;]|$))?", re.IGNORECASE)
START_VERB = re.compile(r"\b(?:start|began|begun|begin|launch|open|run|ran|kick|went live|go live|commenc)\w*", re.IGNORECASE)
END_VERB = re.compile(r"\b(?:clos|end|conclud|finish|until|deadline)\w*", re.IGNORECASE)
CLAUSE_BREAK = re.compile(r";\s+|,?\s+(?:and|but) that\s+|,\s+and\s+(?=(?:the\s+|a\s+)?[A-Z\w]+\s+(?:\w+\s+){0,6}?"
                          r"(?:would|will|had|has|have|was|were|is|are)\b)|,\s+(?:but|even though|although|though|while|whereas|which|after"
                          r"|before|when|so|as)\s+|\s+but\s+|\s+(?:even though|although|whereas)\s+|:\s+", re.IGNORECASE)


def clauses(sentence: str) -> list[tuple[int, int]]:
    """Spans of the clauses of a sentence, so that "would" in one clause does not hedge another."""
    spans: list[tuple[int, int]] = []
    begin = 0
    for match in CLAUSE_BREAK.finditer(sentence):
        spans.append((begin, match.start()))
        begin = match.end()
    spans.append((begin, len(sentence)))
    return spans


_PLANS_SUBJECT = re.compile(r"^\s*(?:the |these |their |its |our )?(?:[\w-]+ )?(?:plans?|proposals?|bid|intention|aim) to\b",
                            re.IGNORECASE)


class _Mood:
    """How a clause speaks: supposing, hedging, denying, or looking ahead (each worked out only when asked)."""

    def __init__(self, text: str):
        # "approved subject to conditions" is a (conditional) approval, not a hedge.
        text = SUBJECT_TO_CONDITIONS.sub("", text) if "subject to" in text.lower() else text
        # "Plans to merge the CCGs have been given the go-ahead": the plans are the subject, not a hedge.
        plans = _PLANS_SUBJECT.match(text)
        self.text = text[plans.end():] if plans else text

    @functools.cached_property
    def conditional(self) -> bool:
        return bool(CONDITIONAL.search(self.text))

    @functools.cached_property
    def hedged(self) -> bool:
        return bool(HEDGE.search(self.text))

    @functools.cached_property
    def negated(self) -> bool:
        return bool(NEGATION.search(self.text))

    @functools.cached_property
    def future(self) -> bool:
        return bool(FUTURE.search(self.text))

    @functools.cached_property
    def modal(self) -> bool:
        return bool(MODAL.search(self.text))

    @property
    def decisive(self) -> bool:
        return not self.conditional and not self.negated and not self.hedged


@functools.lru_cache(maxsize=64)
def _mood(text: str) -> _Mood:
    return _Mood(text)


def classify(sentence: str) -> list[Cue]:
    """Every event type this sentence reports as having happened (or, for votes, as pending)."""
    if QUESTION.search(sentence):
        return []
    words = Gated.words_in(sentence)
    found = {kind: gate.pattern.search(sentence) for kind, gate in GATED_PATTERNS.items() if not gate.keys.isdisjoint(words)}
    found = {kind: match for kind, match in found.items() if match}
    planned = PLANNED_EFFECTIVE.search(sentence)
    if not found and not planned:
        if RESULT_TOLD.match(sentence):
            # "The result was announced yesterday": the day of the vote the page has just told.
            return [Cue(EventType.MEMBER_VOTE, 0, len(sentence), Body.GP_MEMBERS, None, "date_only")]
        return []
    spans = clauses(sentence)
    whole = _mood(sentence)
    # A sentence opening with a supposition ("If NHS England were not in favour, ...") reports nothing.
    if re.match(r"\s*(?:if|unless|should|were)\b", sentence, re.IGNORECASE):
        return []

    def clause_of(position: int) -> str:
        for begin, end in spans:
            if begin <= position <= end:
                return sentence[begin:end]
        return sentence

    def mood(kind: EventType) -> _Mood:
        return _mood(clause_of(found[kind].start())) if len(spans) > 1 else whole

    cues: list[Cue] = []

    def add(kind: EventType, body: Body | None = None, outcome: Outcome | None = None, flag: str = "") -> None:
        match = found[kind]
        start = match.start()
        end = match.end()
        if kind in (EventType.CONSULTATION_START, EventType.CONSULTATION_END):
            # "consultation had opened in May and would close in July": the verb, not the noun, marks the step.
            verbs = START_VERB if kind is EventType.CONSULTATION_START else END_VERB
            verb = verbs.search(sentence, match.start(), min(len(sentence), match.end() + 80))
            if verb:
                start, end = verb.span()
        cues.append(Cue(kind, start, end, body, outcome, flag))

    rejection = found.get(EventType.REJECTION)
    if rejection and (mood(EventType.REJECTION).decisive or (
            " not " in rejection.group(0) and not mood(EventType.REJECTION).conditional)):
        add(EventType.REJECTION, Body.OTHER, Outcome.AGAINST)
    for kind in (EventType.WITHDRAWAL, EventType.DEFERRAL):
        if kind in found:
            # "Plans to merge have been put on hold": "plans to" does not hedge a setback, only would/could/may do.
            clause = mood(kind)
            if not clause.modal and not clause.conditional and not _negated_near(sentence, found[kind].start()):
                add(kind)
    approval = found.get(EventType.APPROVAL)
    confirmed = approval is not None and "confirmed" in approval.group(0).lower() and not mood(EventType.APPROVAL).negated \
        and not mood(EventType.APPROVAL).conditional
    if approval and (mood(EventType.APPROVAL).decisive or confirmed) and EventType.REJECTION not in found:
        add(EventType.APPROVAL, Body.OTHER, Outcome.FOR)
    if EventType.APPLICATION in found and mood(EventType.APPLICATION).decisive and not mood(EventType.APPLICATION).future:
        if MERGER_INTENT.search(sentence):
            # Telling NHS England of an intention is the start of a proposal, not the formal application.
            cues.append(Cue(EventType.PROPOSAL, found[EventType.APPLICATION].start(), found[EventType.APPLICATION].end()))
        else:
            add(EventType.APPLICATION)
    vote = found.get(EventType.MEMBER_VOTE)
    if vote and ADVICE.search(sentence):
        vote = None
    if vote and re.fullmatch(r"votes?|ballots?", vote.group(0), re.IGNORECASE) and re.search(
            r"\b(?:after|following|before|ahead of|since)\s+(?:a|the|their|its)\s+(?:\w+\s+){0,2}$", sentence[:vote.start()],
            re.IGNORECASE) and not re.search(r"\d\s*(?:%|per cent)|\bin favour\b|\bagainst\b", sentence, re.IGNORECASE):
        vote = None  # "submitted after a vote of GP members": the vote is background to the step told
    governing = found.get(EventType.GOVERNING_BODY_DECISION)
    if vote and governing and re.fullmatch(r"votes?", vote.group(0), re.IGNORECASE) and re.search(
            r"\b(?:the|a|this|that|their|its)\s+(?:\w+\s+){0,2}$", sentence[:vote.start()], re.IGNORECASE):
        # "After the Wolverhampton vote, the governing bodies agreed ...": the vote is background to the decision.
        vote = None
    vote_told = bool(vote) and not (
        governing and governing.start() <= vote.start() and not GP_BODY.search(sentence[:vote.start()]))
    if vote_told:
        clause_text = clause_of(vote.start()) if len(spans) > 1 else sentence
        clause = _mood(clause_text)
        # "The result is due to be announced, but members have voted against": a vote told in the past tense wins.
        past = None if PAST_VOTE.search(clause_text) else PAST_VOTE.search(sentence)
        outcome = _vote_outcome(clause_of(past.start())) if past else None
        outcome = outcome or _vote_outcome(clause_text) or _vote_outcome(sentence)
        stated = outcome is not None and (outcome is Outcome.PENDING or not (clause.hedged and not _present_perfect(clause_text)))
        if stated and not clause.conditional and (not clause.negated or outcome is Outcome.AGAINST or AGAINST.search(clause_text)):
            # Merger votes are GP members' votes unless the sentence says a governing body or board voted.
            body = Body.GOVERNING_BODY if GB_VOTE.search(sentence) and not GP_BODY.search(sentence) else Body.GP_MEMBERS
            exploratory = outcome is Outcome.FOR and bool(EXPLORATORY.search(sentence[vote.start():]))
            kind = EventType.GOVERNING_BODY_DECISION if body is Body.GOVERNING_BODY else EventType.MEMBER_VOTE
            found.setdefault(kind, vote)
            add(kind, body, outcome, "exploratory" if exploratory else _apply_flag(sentence))
            # "practices in five CCGs voted against, while practices in three voted in favour": both results.
            for begin, end in spans:
                other = sentence[begin:end]
                verb = VOTE_VERB.search(other)
                if verb and not begin <= vote.start() <= end and kind is EventType.MEMBER_VOTE:
                    second = _vote_outcome(other)
                    if second not in (None, outcome, Outcome.PENDING):
                        cues.append(Cue(kind, begin + verb.start(), begin + verb.end(), body, second))
        elif outcome is None and VOTE_CLOSED.search(sentence):
            cues.append(Cue(EventType.MEMBER_VOTE, vote.start(), vote.end(), Body.GP_MEMBERS, None, "date_only"))
    # "GP members had voted in favour and that the governing bodies had agreed to apply": both steps, in two clauses.
    separate = governing and (not vote_told or clause_of(governing.start()) != clause_of(vote.start()))
    if separate and CLAUSE_BREAK.search(governing.group(0)):
        separate = False  # "The CCGs submitted their application, after GP members voted": no board decided anything
    if separate and not _overlaps(governing, found.get(EventType.APPROVAL)) and not (
            {EventType.WITHDRAWAL, EventType.DEFERRAL, EventType.REJECTION} & {c.type for c in cues}):
        # "The CCGs have decided not to proceed" is the withdrawal itself; "NHS England approved" is not a board's decision.
        clause_text = clause_of(governing.start()) if len(spans) > 1 else sentence
        clause = _mood(clause_text)
        if (clause.decisive or PENDING.search(clause_text)) and not clause.conditional:
            outcome = _vote_outcome(clause_text) or Outcome.FOR
            exploratory = bool(re.search(r"\brecommend\w*", clause_text, re.IGNORECASE)) or bool(
                EXPLORATORY.search(sentence[governing.start():]))
            add(EventType.GOVERNING_BODY_DECISION, Body.GOVERNING_BODY, outcome,
                "exploratory" if exploratory else _apply_flag(sentence))
    for kind in (EventType.CONSULTATION_START, EventType.CONSULTATION_END, EventType.PUBLIC_MEETING):
        if kind in found:
            clause = mood(kind)
            if not clause.negated and not clause.modal and not clause.conditional:
                add(kind)
    if EventType.MEETING in found and EventType.PUBLIC_MEETING not in found and not mood(EventType.MEETING).conditional:
        add(EventType.MEETING, Body.OTHER)
    effective = mood(EventType.EFFECTIVE) if EventType.EFFECTIVE in found else None
    if effective and effective.decisive and not effective.future:
        add(EventType.EFFECTIVE)
    elif planned and not _mood(clause_of(planned.start())).negated and not _mood(clause_of(planned.start())).conditional:
        cues.append(Cue(EventType.EFFECTIVE, planned.start(), planned.end(), flag="planned"))
    # A sentence reporting a decision on the plan implies the proposal; it is not a separate proposal event.
    decided = {EventType.MEMBER_VOTE, EventType.GOVERNING_BODY_DECISION, EventType.APPLICATION, EventType.APPROVAL,
               EventType.REJECTION, EventType.EFFECTIVE, EventType.WITHDRAWAL, EventType.DEFERRAL, EventType.PROPOSAL}
    proposal_ok = EventType.PROPOSAL in found and not mood(EventType.PROPOSAL).negated and not ADVICE.search(sentence) \
        and not NOT_PROPOSED.search(sentence)
    if proposal_ok and not any(c.type in decided and c.flag != "planned" for c in cues):
        add(EventType.PROPOSAL)
    return cues


def _overlaps(first: re.Match[str], second: re.Match[str] | None) -> bool:
    return second is not None and first.start() < second.end() and second.start() < first.end()


def _apply_flag(sentence: str) -> str:
    """A decision "to submit the merger application" or "to apply" puts the grouping at the applied stage."""
    return "apply" if APPLY_DECISION.search(sentence) else ""


def _negated_near(sentence: str, position: int) -> bool:
    """A denial shortly before the trigger: "has not been deferred", "will not be delayed"."""
    window = sentence[max(0, position - 25):position]
    return bool(re.search(r"\bnot\b|\bno\b|n[’']t\b", window, re.IGNORECASE))


def _present_perfect(sentence: str) -> bool:
    return bool(re.search(r"\b(?:have|has|had)\s+(?:\w+\s+)?(?:voted|backed|rejected|supported|approved)\b", sentence, re.IGNORECASE))
