//! Table-driven tests of the balancing function.

use super::*;

/// `(name, running, owner)` rows; epochs are all 5.
type Row = (&'static str, bool, Option<NodeId>);

struct Case {
    what: &'static str,
    jobs: Vec<Row>,
    members: &'static [NodeId],
    live: &'static [NodeId],
    draining: &'static [NodeId],
    /// Exact number of moves expected.
    moves: usize,
}

fn views(rows: &[Row]) -> Vec<JobView> {
    rows.iter()
        .map(|(name, running, owner)| JobView {
            name: (*name).to_string(),
            running: *running,
            owner: *owner,
            epoch: 5,
        })
        .collect()
}

fn cluster(c: &Case) -> Cluster {
    Cluster {
        members: c.members.iter().copied().collect(),
        live: c.live.iter().copied().collect(),
        draining: c.draining.iter().copied().collect(),
    }
}

/// Applies `moves` to `jobs` and returns the final owner of every job.
fn apply(jobs: &[JobView], moves: &[Move]) -> BTreeMap<String, Option<NodeId>> {
    let mut owners: BTreeMap<String, Option<NodeId>> =
        jobs.iter().map(|j| (j.name.clone(), j.owner)).collect();
    for m in moves {
        match m {
            Move::Assign {
                job,
                to,
                expect_epoch,
            } => {
                assert_eq!(*expect_epoch, 5, "moves carry the planned-from epoch");
                owners.insert(job.clone(), Some(*to));
            }
            Move::Unassign { job, .. } => {
                owners.insert(job.clone(), None);
            }
        }
    }
    owners
}

fn check(c: &Case) {
    let jobs = views(&c.jobs);
    let cl = cluster(c);
    let moves = plan(&jobs, &cl);
    assert_eq!(moves.len(), c.moves, "{}: moves {moves:?}", c.what);
    let owners = apply(&jobs, &moves);
    let eligible = cl.eligible();
    let mut counts: BTreeMap<NodeId, usize> = eligible.iter().map(|n| (*n, 0)).collect();
    for job in jobs.iter().filter(|j| j.running) {
        let owner = owners.get(&job.name).copied().flatten();
        if eligible.is_empty() {
            assert!(owner.is_none_or(|o| !cl.must_empty(o)), "{}", c.what);
            continue;
        }
        let owner = owner.filter(|o| eligible.contains(o));
        let Some(owner) = owner else {
            panic!(
                "{}: running job {} not on an eligible node",
                c.what, job.name
            );
        };
        *counts.entry(owner).or_default() += 1;
    }
    let (min, max) = (counts.values().min(), counts.values().max());
    if let (Some(min), Some(max)) = (min, max) {
        assert!(max - min <= 1, "{}: unbalanced {counts:?}", c.what);
    }
    for (name, owner) in &owners {
        assert!(
            owner.is_none_or(|o| !cl.draining.contains(&o)),
            "{}: {name} left on a draining node",
            c.what
        );
    }
}

#[test]
fn balancing_table() {
    let cases = vec![
        Case {
            what: "new jobs spread evenly",
            jobs: vec![
                ("a", true, None),
                ("b", true, None),
                ("c", true, None),
                ("d", true, None),
                ("e", true, None),
                ("f", true, None),
            ],
            members: &[1, 2, 3],
            live: &[1, 2, 3],
            draining: &[],
            moves: 6,
        },
        Case {
            what: "balanced stays put",
            jobs: vec![
                ("a", true, Some(1)),
                ("b", true, Some(1)),
                ("c", true, Some(2)),
                ("d", true, Some(2)),
                ("e", true, Some(3)),
            ],
            members: &[1, 2, 3],
            live: &[1, 2, 3],
            draining: &[],
            moves: 0,
        },
        Case {
            what: "dead node's jobs (only) move",
            jobs: vec![
                ("a", true, Some(1)),
                ("b", true, Some(1)),
                ("c", true, Some(2)),
                ("d", true, Some(2)),
                ("e", true, Some(3)),
                ("f", true, Some(3)),
            ],
            members: &[1, 2, 3],
            live: &[1, 2],
            draining: &[],
            moves: 2,
        },
        Case {
            what: "join moves only what balance needs",
            jobs: vec![
                ("a", true, Some(1)),
                ("b", true, Some(1)),
                ("c", true, Some(1)),
                ("d", true, Some(2)),
                ("e", true, Some(2)),
                ("f", true, Some(2)),
            ],
            members: &[1, 2, 3],
            live: &[1, 2, 3],
            draining: &[],
            moves: 2,
        },
        Case {
            what: "drain empties the node, paused job unassigned",
            jobs: vec![
                ("a", true, Some(1)),
                ("b", true, Some(2)),
                ("c", true, Some(2)),
                ("d", false, Some(2)),
                ("e", true, Some(3)),
            ],
            members: &[1, 2, 3],
            live: &[1, 2, 3],
            draining: &[2],
            moves: 3,
        },
        Case {
            what: "paused and blocked jobs keep their place, even on a dead node",
            jobs: vec![
                ("a", false, Some(3)),
                ("b", false, Some(1)),
                ("c", true, Some(1)),
                ("d", true, Some(2)),
            ],
            members: &[1, 2, 3],
            live: &[1, 2],
            draining: &[],
            moves: 0,
        },
        Case {
            what: "removed member's jobs move",
            jobs: vec![
                ("a", true, Some(9)),
                ("b", false, Some(9)),
                ("c", true, Some(1)),
            ],
            members: &[1, 2],
            live: &[1, 2, 9],
            draining: &[],
            moves: 2,
        },
        Case {
            what: "skewed load evens out",
            jobs: vec![
                ("a", true, Some(1)),
                ("b", true, Some(1)),
                ("c", true, Some(1)),
                ("d", true, Some(1)),
                ("e", true, Some(1)),
                ("f", true, Some(2)),
            ],
            members: &[1, 2, 3],
            live: &[1, 2, 3],
            draining: &[],
            moves: 3,
        },
        Case {
            what: "nowhere to go: draining node is still emptied",
            jobs: vec![("a", true, Some(1)), ("b", true, Some(2))],
            members: &[1, 2],
            live: &[1],
            draining: &[1],
            moves: 1,
        },
        Case {
            what: "no nodes at all: nothing to do",
            jobs: vec![("a", true, None)],
            members: &[],
            live: &[],
            draining: &[],
            moves: 0,
        },
    ];
    for case in &cases {
        check(case);
    }
}

#[test]
fn join_of_a_fourth_node_moves_a_quarter() {
    let rows: Vec<JobView> = (0..12)
        .map(|i| JobView {
            name: format!("job{i:02}"),
            running: true,
            owner: Some(1 + (i % 3) as NodeId),
            epoch: 1,
        })
        .collect();
    let cl = Cluster {
        members: [1, 2, 3, 4].into(),
        live: [1, 2, 3, 4].into(),
        draining: BTreeSet::new(),
    };
    let moves = plan(&rows, &cl);
    assert_eq!(moves.len(), 3, "{moves:?}");
    assert!(moves
        .iter()
        .all(|m| matches!(m, Move::Assign { to: 4, .. })));
}
