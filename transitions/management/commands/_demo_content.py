"""Believable demo content for seed_demo: a year of a PM growing into product leadership."""
# ruff: noqa: E501  (prose lines read better unbroken)

from __future__ import annotations

# (days ago, shift slugs, title, what happened, shared?)
PRIYA_EVIDENCE: list[tuple[int, list[str], str, str, bool]] = [
    (
        352,
        ["lead-a-team-of-pms"],
        "Took over coordination of the checkout and payments PMs",
        "Started a weekly sync between the two PMs so that checkout changes stop surprising payments.",
        True,
    ),
    (
        340,
        ["coach-and-mentor-pms"],
        "First career conversation with Jonas",
        "Agreed on one growth goal for the quarter: running discovery interviews without me in the room.",
        True,
    ),
    (
        331,
        ["drive-complex-initiatives"],
        "Kicked off the invoicing migration across three departments",
        "Wrote the one-page plan, named owners in finance, support and engineering.",
        True,
    ),
    (
        318,
        ["provide-strategy"],
        "Drafted the first payments strategy memo",
        "Two pages: where we play, how we win, what we stop doing. Shared for comments.",
        False,
    ),
    (
        305,
        ["align-product-analytics"],
        "Found three definitions of 'active merchant'",
        "Listed them side by side and asked data engineering for a single definition.",
        True,
    ),
    (
        296,
        ["align-with-leadership-team"],
        "Monthly status to the leadership team on invoicing",
        "Moved from feature lists to risks and decisions needed. Got a decision on the cut-over date.",
        True,
    ),
    (
        284,
        ["hire-and-onboard"],
        "Wrote the role profile for a second payments PM",
        "Worked with the recruiter on must-haves and a take-home exercise that mirrors real work.",
        True,
    ),
    (
        270,
        ["align-discovery-across-teams"],
        "Joint discovery review with checkout and onboarding",
        "Both teams were interviewing the same merchants. Merged the interview plan.",
        True,
    ),
    (
        262,
        ["business-wide-priorities"],
        "Gave up a payments sprint for the compliance deadline",
        "Explained to the team why the company-wide deadline beat our roadmap item.",
        True,
    ),
    (
        250,
        ["drive-pm-excellence"],
        "Introduced a shared discovery template",
        "Three PMs now write opportunity briefs the same way, which makes reviews faster.",
        True,
    ),
    (
        241,
        ["coach-and-mentor-pms"],
        "Shadowed Jonas's customer interviews and gave feedback",
        "Fewer leading questions in the second round. He asked for the same next month.",
        True,
    ),
    (
        229,
        ["business-cases"],
        "Sized the instant-payouts opportunity",
        "Revenue, cost and risk in one page. The CFO asked for a follow-up with finance.",
        True,
    ),
    (
        221,
        ["hire-and-onboard"],
        "Ran the interview loop for the payments PM role",
        "Five candidates, structured scorecards, debrief within 24 hours. Offer accepted.",
        True,
    ),
    (
        210,
        ["lead-a-team-of-pms"],
        "Set up quarterly planning for the three PMs",
        "Each PM presents their area's bets; overlaps are resolved in the room, not later.",
        True,
    ),
    (
        199,
        ["hire-and-onboard"],
        "30-60-90 day onboarding plan for Mei",
        "Buddy, first customer calls in week one, owns a small release by day 60.",
        True,
    ),
    (
        188,
        ["provide-strategy"],
        "Strategy memo adopted for H2 planning",
        "Teams referenced the memo when setting their OKRs; two goals changed because of it.",
        True,
    ),
    (
        180,
        ["expand-into-new-markets"],
        "Interviewed five merchants in Austria",
        "We don't serve them yet. Learned that invoicing rules differ more than we assumed.",
        False,
    ),
    (
        171,
        ["align-product-analytics"],
        "Agreed one metrics dictionary with data engineering",
        "Active merchant, payment success and churn now mean the same thing in every dashboard.",
        True,
    ),
    (
        160,
        ["drive-complex-initiatives"],
        "Invoicing migration reached 50% of merchants",
        "Kept finance, support and engineering on one plan; no escalations this month.",
        True,
    ),
    (
        152,
        ["coach-and-mentor-pms"],
        "Mei ran her first discovery sprint alone",
        "I only reviewed the synthesis. She presented it to the team herself.",
        True,
    ),
    (
        143,
        ["align-with-leadership-team"],
        "Aligned the leadership team on the payouts plan",
        "Came with two options and a recommendation; left with a decision and budget.",
        True,
    ),
    (
        131,
        ["align-discovery-across-teams"],
        "Cross-team discovery calendar",
        "One shared research calendar for four teams; no more duplicate merchant interviews.",
        True,
    ),
    (
        122,
        ["drive-pm-excellence"],
        "Retired the old PRD template",
        "Replaced it with the opportunity brief; nobody missed the 12-page documents.",
        True,
    ),
    (
        115,
        ["business-wide-priorities"],
        "Proposed a company-wide prioritisation for Q3",
        "Ranked initiatives across four teams by business impact; the exec team adopted most of it.",
        True,
    ),
    (
        104,
        ["lead-a-team-of-pms"],
        "Delegated the checkout redesign fully to Jonas",
        "I stayed out of the design reviews and only joined the final decision.",
        True,
    ),
    (
        96,
        ["business-cases"],
        "Business case for the merchant lending pilot",
        "Partnered with finance on the model; pilot approved with clear stop criteria.",
        True,
    ),
    (
        88,
        ["expand-into-new-markets"],
        "Market scan for DACH expansion",
        "Summarised regulation, competitors and three candidate segments for the leadership team.",
        True,
    ),
    (
        79,
        ["coach-and-mentor-pms"],
        "Feedback training for the PM team",
        "Ran a session on giving specific feedback; PMs now do peer reviews of briefs.",
        True,
    ),
    (
        70,
        ["provide-strategy", "align-with-leadership-team"],
        "Presented the 2027 product strategy draft",
        "Leadership asked to use it as the template for other product areas.",
        True,
    ),
    (
        61,
        ["align-product-analytics"],
        "Shared analytics roadmap for three teams",
        "Instrumentation gaps prioritised once for all teams instead of team by team.",
        True,
    ),
    (
        55,
        ["hire-and-onboard"],
        "Improved the PM interview loop",
        "Added a strategy case; calibrated interviewers with a scoring rubric.",
        False,
    ),
    (
        47,
        ["drive-complex-initiatives"],
        "Invoicing migration completed",
        "All merchants migrated; retro with all three departments, lessons written up.",
        True,
    ),
    (
        39,
        ["lead-a-team-of-pms"],
        "Team health check with all PMs",
        "Anonymous survey and a retro; two process changes agreed.",
        True,
    ),
    (
        33,
        ["business-wide-priorities"],
        "Killed a low-impact payments feature",
        "Freed a team for the company's top initiative; explained the trade-off openly.",
        True,
    ),
    (
        27,
        ["align-discovery-across-teams"],
        "Shared insight changed onboarding's roadmap",
        "A payments finding on failed first payouts moved onboarding's next bet.",
        True,
    ),
    (
        20,
        ["drive-pm-excellence"],
        "Started a monthly product review",
        "Each PM presents outcomes, not output; leadership joins every other month.",
        True,
    ),
    (
        14,
        ["coach-and-mentor-pms"],
        "Jonas promoted to senior PM",
        "Wrote the promotion case with him; most evidence came from his own log.",
        True,
    ),
    (
        9,
        ["business-cases", "expand-into-new-markets"],
        "Austria entry business case",
        "Sized the segment, costed the compliance work, recommended a three-month test.",
        False,
    ),
    (
        4,
        ["align-with-leadership-team"],
        "Quarterly business review with the executive team",
        "Presented payments results and asked for one decision on pricing; got it.",
        True,
    ),
]

SAM_EVIDENCE: list[tuple[int, list[str], str, str, bool]] = [
    (
        80,
        ["coach-and-mentor-pms"],
        "Paired with a new PM on her first release",
        "Weekly check-ins and a review of her first spec.",
        True,
    ),
    (
        62,
        ["align-product-analytics"],
        "Cleaned up the search funnel dashboard",
        "Removed duplicate events; the team now trusts the conversion numbers.",
        True,
    ),
    (
        41,
        ["drive-complex-initiatives"],
        "Coordinated the search relaunch with marketing",
        "Joint launch plan with marketing and support.",
        False,
    ),
    (
        23,
        ["provide-strategy"],
        "Wrote the search vision for next year",
        "First draft shared with the team for feedback.",
        True,
    ),
    (
        8,
        ["align-with-leadership-team"],
        "Presented search results to the leadership team",
        "Focused on conversion impact and the next bet.",
        True,
    ),
]

# Priya's notes: (month index, shift slug) → note on that rating
# Nina's two PMs: Omar, a year in and reviewed long ago; Grace, new to the team, who checks
# in every two weeks and has shared little lately.
OMAR_EVIDENCE: list[tuple[int, list[str], str, str, bool]] = [
    (
        150,
        ["lead-a-team-of-pms"],
        "Set up a weekly sync for the mobile PMs",
        "Thirty minutes every Monday: dependencies first, then one decision each.",
        True,
    ),
    (
        96,
        ["business-cases"],
        "Wrote the business case for offline mode",
        "Sized the market from support tickets and usage in low-connectivity regions.",
        True,
    ),
    (
        61,
        ["drive-complex-initiatives"],
        "Ran the app store migration with three teams",
        "One plan, one owner per step; shipped a week early.",
        True,
    ),
    (
        33,
        ["hire-and-onboard"],
        "Interviewed for the new mobile PM role",
        "Wrote the interview guide and ran the product sense round.",
        False,
    ),
    (
        12,
        ["align-product-analytics"],
        "Agreed the retention metric with data engineering",
        "Day-30 retention, defined once, used in both apps.",
        True,
    ),
]
GRACE_EVIDENCE: list[tuple[int, list[str], str, str, bool]] = [
    (
        118,
        ["coach-and-mentor-pms"],
        "Mentored an associate PM through her first launch",
        "Weekly reviews of her launch plan and one joint customer call.",
        True,
    ),
    (
        44,
        ["align-discovery-across-teams"],
        "Shared discovery notes with the growth team",
        "A common board for interview notes; growth now adds theirs.",
        False,
    ),
    (
        19,
        ["provide-strategy"],
        "Drafted the onboarding strategy",
        "Three bets for next year, with what we stop doing.",
        False,
    ),
]

PRIYA_NOTES: dict[tuple[int, str], str] = {
    (0, "lead-a-team-of-pms"): "Only just started coordinating the two payments PMs.",
    (3, "hire-and-onboard"): "First role profile written; the interview loop is next.",
    (5, "provide-strategy"): "The strategy memo was adopted for H2 planning.",
    (7, "coach-and-mentor-pms"): "Mei ran discovery on her own for the first time.",
    (9, "business-wide-priorities"): "Proposed the Q3 company-wide priorities.",
    (11, "lead-a-team-of-pms"): "Delegated the checkout redesign completely.",
    (11, "align-with-leadership-team"): "Leadership now asks me for the payouts plan first.",
}

# Priya's focus: (shift slug, next step, set days ago, cleared days ago or None if active)
PRIYA_FOCUS: list[tuple[str, str, int, int | None]] = [
    ("provide-strategy", "Write the first payments strategy memo.", 345, 316),
    (
        "hire-and-onboard",
        "Hire a third PM for the DACH expansion before the quarter ends.",
        50,
        None,
    ),
    ("align-product-analytics", "Publish the metrics dictionary to all teams.", 28, None),
    (
        "expand-into-new-markets",
        "Run the three-month Austria test and report what we learn.",
        8,
        None,
    ),
]

# Completed reviews per person, oldest first: (summary, agreed focus, comment per shift slug).
# Each says only what the person's evidence shows by the day of the review (see seed_demo).
DEMO_REVIEWS: dict[str, list[tuple[str, str, dict[str, str]]]] = {
    "priya": [
        (
            "Priya is growing into the role: she coordinates the payments PMs well, hired and "
            "onboarded Mei, and her strategy memo shaped H2 planning. The invoicing migration is "
            "on track. Next: one shared view of the numbers and of discovery across the teams.",
            "Agree one metrics dictionary with data engineering; get the invoicing migration past "
            "half of the merchants.",
            {},
        ),
        (
            "A strong half-year for Priya. The strategy memo is used across product, Jonas is "
            "ready for senior PM largely thanks to her coaching, and the leadership team trusts "
            "her updates. Ready to be considered for Group PM.",
            "Lead the Austria test; start a monthly product review with the PMs.",
            {
                "hire-and-onboard": "The improved interview loop is good; the open third PM role will test it.",
                "provide-strategy": "The memo is quoted in other teams' OKRs. Clear evidence.",
                "coach-and-mentor-pms": "Jonas is ready for senior PM, and Mei runs discovery alone.",
                "align-with-leadership-team": "Leadership asks for her updates by name now.",
                "drive-pm-excellence": "Good start with shared templates; make it stick without you.",
            },
        ),
    ],
    "omar": [
        (
            "Omar runs the mobile PMs as a team now: the weekly sync settles dependencies before "
            "they block anyone, and his business case for offline mode is the clearest we have "
            "had this year. Next: lead a cross-team initiative end to end.",
            "Run the app store migration across the three teams; agree the retention metric with "
            "data engineering.",
            {},
        ),
    ],
    "grace": [
        (
            "Grace has settled in quickly: the associate PM she mentors launched on time, and "
            "she brought the growth team into discovery. Next: a strategy of her own for "
            "onboarding.",
            "Write the onboarding strategy and share it with the team; share evidence as you go.",
            {},
        ),
    ],
    "sam": [
        (
            "Sam has made search a team others rely on: the funnel dashboard is trusted again, "
            "the relaunch with marketing went smoothly, and the first draft of the search vision "
            "is out for feedback. Next: take the results to the leadership team himself.",
            "Present the search results to the leadership team; coach the new PM through her "
            "second release.",
            {},
        ),
    ],
}

# The person's acknowledgement of one of her completed reviews (by its position, oldest
# first): days after the review, her overall response, and her response per shift slug. Like
# the reviews, it says only what had happened by then.
DEMO_ACKNOWLEDGEMENTS: dict[str, tuple[int, int, str, dict[str, str]]] = {
    "priya": (
        0,
        4,
        "Thank you, Marco, this is fair. I agree the numbers are where we lose the most time "
        "between the teams; I will set up the first metrics session with data engineering.",
        {
            "align-product-analytics": "Agreed. Each team still counts active merchants its "
            "own way; one dictionary is the first step.",
            "align-discovery-across-teams": "I would put this a step higher: since the joint "
            "discovery review, checkout and onboarding work from one interview plan.",
        },
    ),
}

# priya's 1:1s with marco: three past meetings (the oldest first), then the open one. Each:
# days ago it started, shared notes, marco's private note, agenda items (text, by marco?,
# shift slug or ""), action items (text, owned by priya?, due days after the start, shift
# slug or "", done days after the start or None: still open, so it carries over).
PRIYA_ONE_ON_ONES: list[dict] = [
    {
        "days_ago": 42,
        "notes": "Talked through the Q3 planning. Priya ran the prioritisation session for the "
        "first time; the team left with one list instead of three.",
        "private": "She still rewrites the team's specs at night. Ask how the delegation goes.",
        "items": [
            ("How the planning session went", False, "lead-a-team-of-pms"),
            ("Hiring: the second PM role", True, "hire-and-onboard"),
        ],
        "actions": [
            ("Draft the job description for the second PM", True, 10, "hire-and-onboard", 8),
            ("Introduce Priya to the finance lead", False, 7, "", 5),
        ],
    },
    {
        "days_ago": 28,
        "notes": "Job description agreed. Priya wants to let Jonas run the next discovery "
        "sprint on his own and only review the outcome.",
        "private": "Good progress on letting go. Raise the exec update format next time.",
        "items": [
            ("Letting Jonas run discovery alone", False, "align-discovery-across-teams"),
            ("Feedback on the exec update", True, "align-with-leadership-team"),
        ],
        "actions": [
            (
                "Write the one-page strategy for the checkout area",
                True,
                21,
                "provide-strategy",
                None,
            ),
        ],
    },
    {
        "days_ago": 14,
        "notes": "The exec update landed well: one page, decisions first. Strategy draft is "
        "halfway; Priya will share it before the next 1:1.",
        "private": "Consider her for the portfolio review in January.",
        "items": [
            ("The exec update: what worked", False, "align-with-leadership-team"),
            ("Analytics across the three teams", True, "align-product-analytics"),
        ],
        "actions": [
            (
                "Set up a shared metrics review with the data team",
                False,
                14,
                "align-product-analytics",
                None,
            ),
            ("Send Priya the board deck template", True, 3, "", 2),
        ],
    },
    {
        "days_ago": 2,
        "notes": "",
        "private": "",
        "items": [
            ("Where the strategy draft stands", False, "provide-strategy"),
        ],
        "actions": [],
    },
]


# priya's feedback requests: (days ago asked, shift slugs, question, name, email, role,
# outcome, answer). Outcome: "attested" (answered, shared, confirms the first shift),
# "answered" (private), "declined" or "pending".
PRIYA_FEEDBACK = [
    (
        48,
        ["align-with-leadership-team", "drive-complex-initiatives"],
        "How did the Q3 pricing alignment with your team go, from where you sat?",
        "Jane Doe",
        "jane.doe@example.com",
        "VP Sales",
        "attested",
        (
            "Before the Q3 pricing review Priya met each of my regional leads, wrote down "
            "their objections and brought a one-page plan to the leadership meeting that "
            "answered them. We agreed in one session instead of the usual three, and sales "
            "could explain the new tiers to customers the same week.",
            "consistently",
        ),
    ),
    (
        35,
        ["drive-complex-initiatives"],
        "What did you see of how I ran the billing migration across our two teams?",
        "Tomás Ruiz",
        "tomas.ruiz@example.com",
        "Engineering Manager, Payments",
        "answered",
        (
            "She set up the weekly migration review with both teams and made the open risks "
            "the first item every time. When the cut-over slipped she told finance herself, "
            "a week early, with a new date we then met.",
            "often",
        ),
    ),
    (
        20,
        ["expand-into-new-markets"],
        "Did the discovery interviews for the German launch give you what you needed?",
        "Lena Vogel",
        "lena.vogel@example.com",
        "Head of Marketing, DACH",
        "declined",
        None,
    ),
    (
        6,
        ["coach-and-mentor-pms", "lead-a-team-of-pms"],
        "How has the new planning routine worked for you since Jonas took it over?",
        "Ravi Menon",
        "ravi.menon@example.com",
        "Design Lead",
        "pending",
        None,
    ),
]
