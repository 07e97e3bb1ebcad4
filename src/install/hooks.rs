//! The git hooks trailgate installs and runs: one list, so `install`, `uninstall`,
//! `trailgate hook NAME` and their help texts cannot disagree about which hooks exist.

/// A git hook trailgate can install and run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Hook {
    /// `commit-msg`: judges the commit about to be made.
    CommitMsg,
    /// `prepare-commit-msg`: adds the trailers that declare the recorded sessions.
    PrepareCommitMsg,
    /// `post-commit`: writes the session note and consumes ended sessions.
    PostCommit,
    /// `pre-push`: judges the commits about to be pushed.
    PrePush,
    /// `pre-receive`: the server's judgement of a whole push.
    PreReceive,
    /// `update`: the server's judgement of one ref of a push.
    Update,
}

/// Where a hook runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// In a repository with a work tree, before or after a commit or push.
    Client,
    /// In the repository pushed to, where whatever cannot be judged is rejected.
    Server,
}

impl Hook {
    /// Every hook, in the order messages list them and `uninstall` visits them. A new hook
    /// goes here as well as into the `match`es below.
    pub const ALL: [Hook; 6] = [
        Hook::CommitMsg,
        Hook::PrepareCommitMsg,
        Hook::PostCommit,
        Hook::PrePush,
        Hook::PreReceive,
        Hook::Update,
    ];

    /// What `install` writes by default in a repository with a work tree, in the order git
    /// runs them.
    pub const CLIENT_DEFAULT: [Hook; 4] = [
        Hook::PrepareCommitMsg,
        Hook::CommitMsg,
        Hook::PostCommit,
        Hook::PrePush,
    ];

    /// What `install` writes by default in a bare (server) repository.
    pub const SERVER_DEFAULT: [Hook; 1] = [Hook::PreReceive];

    /// The hook's file name, as git knows it.
    pub const fn name(self) -> &'static str {
        match self {
            Hook::CommitMsg => "commit-msg",
            Hook::PrepareCommitMsg => "prepare-commit-msg",
            Hook::PostCommit => "post-commit",
            Hook::PrePush => "pre-push",
            Hook::PreReceive => "pre-receive",
            Hook::Update => "update",
        }
    }

    /// The hook git knows as `name`, if trailgate has one of that name.
    pub fn from_name(name: &str) -> Option<Hook> {
        Hook::ALL.into_iter().find(|hook| hook.name() == name)
    }

    /// Where the hook runs.
    pub const fn side(self) -> Side {
        match self {
            Hook::CommitMsg | Hook::PrepareCommitMsg | Hook::PostCommit | Hook::PrePush => {
                Side::Client
            }
            Hook::PreReceive | Hook::Update => Side::Server,
        }
    }

    /// Whether `install` writes the hook when no list is given (`update` only on request: it
    /// repeats `pre-receive`'s judgement ref by ref).
    #[cfg(test)]
    pub(crate) fn installed_by_default(self) -> bool {
        Hook::CLIENT_DEFAULT.contains(&self) || Hook::SERVER_DEFAULT.contains(&self)
    }
}

impl std::fmt::Display for Hook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The names of `hooks`, in their order.
const fn names<const N: usize>(hooks: [Hook; N]) -> [&'static str; N] {
    let mut out = [""; N];
    let mut i = 0;
    while i < N {
        out[i] = hooks[i].name();
        i += 1;
    }
    out
}

/// Names of the hooks installed by default in a repository with a work tree.
pub const CLIENT_HOOKS: &[&str] = &names(Hook::CLIENT_DEFAULT);
/// Names of the hooks installed by default in a bare (server) repository.
pub const SERVER_HOOKS: &[&str] = &names(Hook::SERVER_DEFAULT);
/// Every hook name `install` and `uninstall` accept, and `trailgate hook` runs.
pub const ALL_HOOKS: &[&str] = &names(Hook::ALL);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for hook in Hook::ALL {
            assert_eq!(Hook::from_name(hook.name()), Some(hook));
            assert_eq!(hook.to_string(), hook.name());
        }
        assert_eq!(Hook::from_name("pre-commit"), None);
        assert_eq!(Hook::from_name("Commit-Msg"), None);
        assert_eq!(Hook::from_name(""), None);
    }

    #[test]
    fn every_hook_is_listed_once() {
        for (i, hook) in Hook::ALL.iter().enumerate() {
            assert!(!Hook::ALL[..i].contains(hook), "{hook} twice");
        }
        assert_eq!(ALL_HOOKS.len(), Hook::ALL.len());
        for (name, hook) in ALL_HOOKS.iter().zip(Hook::ALL) {
            assert_eq!(*name, hook.name());
        }
    }

    #[test]
    fn defaults_are_on_their_side() {
        assert!(
            Hook::CLIENT_DEFAULT
                .iter()
                .all(|h| h.side() == Side::Client)
        );
        assert!(
            Hook::SERVER_DEFAULT
                .iter()
                .all(|h| h.side() == Side::Server)
        );
        assert_eq!(
            CLIENT_HOOKS,
            [
                "prepare-commit-msg",
                "commit-msg",
                "post-commit",
                "pre-push"
            ]
        );
        assert_eq!(SERVER_HOOKS, ["pre-receive"]);
        let not_default: Vec<Hook> = Hook::ALL
            .into_iter()
            .filter(|h| !h.installed_by_default())
            .collect();
        assert_eq!(not_default, [Hook::Update]);
    }
}
