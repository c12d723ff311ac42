-- ringmaster-tui schema
--
-- Part 1 is Ringmaster's schema exactly as its design documents it (seed 000).
-- Part 2 adds the coordination tables `decisions` and `alerts` (seed 003), each with
-- a nullable `card_id`, and indexes for the dashboard's own queries.
-- The SQLAlchemy models in ringmaster_tui/store/ringmaster/models.py mirror this file;
-- tests/test_schema_models.py proves they agree.

-------------------------------------------------------------------------------
-- PART 1: RINGMASTER (seed 000)
-------------------------------------------------------------------------------

-- Enable foreign keys and WAL mode
PRAGMA foreign_keys = ON;
PRAGMA journal_mode = WAL;

-------------------------------------------------------------------------------
-- PROJECTS TABLE
-------------------------------------------------------------------------------
CREATE TABLE projects (
    id TEXT PRIMARY KEY DEFAULT (lower(hex(randomblob(16)))),
    name TEXT NOT NULL,
    description TEXT,
    repository_url TEXT NOT NULL,
    repository_path TEXT,

    -- Technology and conventions
    tech_stack TEXT DEFAULT '[]',  -- JSON array
    coding_conventions TEXT,

    -- Timestamps
    created_at TEXT NOT NULL DEFAULT (datetime('now')),
    updated_at TEXT NOT NULL DEFAULT (datetime('now'))
);

CREATE INDEX idx_projects_name ON projects(name);

-------------------------------------------------------------------------------
-- CARDS TABLE (Main entity)
-------------------------------------------------------------------------------
CREATE TABLE cards (
    id TEXT PRIMARY KEY DEFAULT (lower(hex(randomblob(16)))),
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,

    -- Basic info
    title TEXT NOT NULL,
    description TEXT,
    task_prompt TEXT NOT NULL,

    -- State machine
    state TEXT NOT NULL DEFAULT 'draft'
        CHECK (state IN (
            'draft', 'planning', 'coding', 'code_review', 'testing',
            'build_queue', 'building', 'build_success', 'build_failed',
            'deploy_queue', 'deploying', 'verifying',
            'completed', 'error_fixing', 'archived', 'failed'
        )),
    previous_state TEXT,
    state_changed_at TEXT,

    -- Loop tracking
    loop_iteration INTEGER DEFAULT 0,
    total_time_spent_ms INTEGER DEFAULT 0,
    total_cost_usd REAL DEFAULT 0.0,

    -- Error tracking
    error_count INTEGER DEFAULT 0,
    max_retries INTEGER DEFAULT 5,

    -- Git integration
    worktree_path TEXT,
    branch_name TEXT,
    pull_request_url TEXT,

    -- Deployment info
    deployment_namespace TEXT,
    deployment_name TEXT,
    argocd_app_name TEXT,

    -- Metadata
    labels TEXT DEFAULT '[]',  -- JSON array
    priority INTEGER DEFAULT 0,
    deadline TEXT,

    -- Timestamps
    created_at TEXT NOT NULL DEFAULT (datetime('now')),
    updated_at TEXT NOT NULL DEFAULT (datetime('now'))
);

CREATE INDEX idx_cards_project ON cards(project_id);
CREATE INDEX idx_cards_state ON cards(state);
CREATE INDEX idx_cards_updated ON cards(updated_at DESC);
CREATE INDEX idx_cards_priority ON cards(priority DESC);

-- Trigger to update updated_at
CREATE TRIGGER cards_updated_at
AFTER UPDATE ON cards
BEGIN
    UPDATE cards SET updated_at = datetime('now') WHERE id = NEW.id;
END;

-------------------------------------------------------------------------------
-- ACCEPTANCE CRITERIA TABLE
-------------------------------------------------------------------------------
CREATE TABLE acceptance_criteria (
    id TEXT PRIMARY KEY DEFAULT (lower(hex(randomblob(16)))),
    card_id TEXT NOT NULL REFERENCES cards(id) ON DELETE CASCADE,

    description TEXT NOT NULL,
    met INTEGER DEFAULT 0,  -- Boolean
    met_at TEXT,
    order_index INTEGER NOT NULL DEFAULT 0,

    created_at TEXT NOT NULL DEFAULT (datetime('now'))
);

CREATE INDEX idx_acceptance_criteria_card ON acceptance_criteria(card_id);

-------------------------------------------------------------------------------
-- CARD DEPENDENCIES TABLE
-------------------------------------------------------------------------------
CREATE TABLE card_dependencies (
    id TEXT PRIMARY KEY DEFAULT (lower(hex(randomblob(16)))),
    card_id TEXT NOT NULL REFERENCES cards(id) ON DELETE CASCADE,
    depends_on_card_id TEXT NOT NULL REFERENCES cards(id) ON DELETE CASCADE,

    dependency_type TEXT DEFAULT 'blocks'
        CHECK (dependency_type IN ('blocks', 'relates_to', 'duplicates')),

    created_at TEXT NOT NULL DEFAULT (datetime('now')),

    -- Prevent self-dependency
    CHECK (card_id != depends_on_card_id),
    -- Unique constraint
    UNIQUE (card_id, depends_on_card_id)
);

CREATE INDEX idx_card_deps_card ON card_dependencies(card_id);
CREATE INDEX idx_card_deps_depends_on ON card_dependencies(depends_on_card_id);

-------------------------------------------------------------------------------
-- ATTEMPTS TABLE (Loop iterations / agent runs)
-------------------------------------------------------------------------------
CREATE TABLE attempts (
    id TEXT PRIMARY KEY DEFAULT (lower(hex(randomblob(16)))),
    card_id TEXT NOT NULL REFERENCES cards(id) ON DELETE CASCADE,

    attempt_number INTEGER NOT NULL,
    agent_type TEXT NOT NULL DEFAULT 'claude-opus-4',

    -- Status
    status TEXT NOT NULL DEFAULT 'running'
        CHECK (status IN ('running', 'completed', 'failed', 'cancelled')),

    -- Timing
    started_at TEXT NOT NULL DEFAULT (datetime('now')),
    completed_at TEXT,
    duration_ms INTEGER,

    -- Metrics
    tokens_used INTEGER,
    cost_usd REAL,

    -- Results
    output TEXT,
    error_message TEXT,

    -- Git
    commit_sha TEXT,
    diff_stats TEXT,  -- JSON: {filesChanged, insertions, deletions}

    -- Unique constraint: one attempt number per card
    UNIQUE (card_id, attempt_number)
);

CREATE INDEX idx_attempts_card ON attempts(card_id);
CREATE INDEX idx_attempts_status ON attempts(status);
CREATE INDEX idx_attempts_started ON attempts(started_at DESC);

-------------------------------------------------------------------------------
-- ERRORS TABLE
-------------------------------------------------------------------------------
CREATE TABLE errors (
    id TEXT PRIMARY KEY DEFAULT (lower(hex(randomblob(16)))),
    card_id TEXT NOT NULL REFERENCES cards(id) ON DELETE CASCADE,
    attempt_id TEXT REFERENCES attempts(id) ON DELETE SET NULL,

    error_type TEXT NOT NULL,
    message TEXT NOT NULL,
    stack_trace TEXT,
    context TEXT,  -- JSON object with additional context

    -- Classification
    category TEXT CHECK (category IN ('build', 'test', 'deploy', 'runtime', 'other')),
    severity TEXT DEFAULT 'error' CHECK (severity IN ('error', 'warning', 'info')),

    -- Resolution tracking
    resolved INTEGER DEFAULT 0,
    resolved_at TEXT,
    resolution_attempt_id TEXT REFERENCES attempts(id) ON DELETE SET NULL,

    created_at TEXT NOT NULL DEFAULT (datetime('now'))
);

CREATE INDEX idx_errors_card ON errors(card_id);
CREATE INDEX idx_errors_resolved ON errors(resolved);
CREATE INDEX idx_errors_category ON errors(category);

-------------------------------------------------------------------------------
-- LOOP SNAPSHOTS TABLE (Checkpoints for recovery)
-------------------------------------------------------------------------------
CREATE TABLE loop_snapshots (
    id TEXT PRIMARY KEY DEFAULT (lower(hex(randomblob(16)))),
    card_id TEXT NOT NULL REFERENCES cards(id) ON DELETE CASCADE,

    iteration INTEGER NOT NULL,
    state TEXT NOT NULL,  -- JSON serialized loop state
    checkpoint_commit TEXT,  -- Git commit SHA

    created_at TEXT NOT NULL DEFAULT (datetime('now'))
);

CREATE INDEX idx_loop_snapshots_card ON loop_snapshots(card_id);
CREATE INDEX idx_loop_snapshots_iteration ON loop_snapshots(card_id, iteration);

-------------------------------------------------------------------------------
-- DEPLOYMENTS TABLE (Build and deploy tracking)
-------------------------------------------------------------------------------
CREATE TABLE deployments (
    id TEXT PRIMARY KEY DEFAULT (lower(hex(randomblob(16)))),
    card_id TEXT NOT NULL REFERENCES cards(id) ON DELETE CASCADE,

    -- Build info
    build_id TEXT,
    image_tag TEXT,
    image_digest TEXT,

    -- GitHub Actions
    workflow_run_id INTEGER,
    workflow_status TEXT,
    workflow_conclusion TEXT,

    -- ArgoCD
    argocd_app_name TEXT,
    argocd_sync_status TEXT,
    argocd_health_status TEXT,
    argocd_revision INTEGER,

    -- Kubernetes
    namespace TEXT,
    deployment_name TEXT,
    replicas_desired INTEGER,
    replicas_ready INTEGER,

    -- Timing
    build_started_at TEXT,
    build_completed_at TEXT,
    deploy_started_at TEXT,
    deploy_completed_at TEXT,

    created_at TEXT NOT NULL DEFAULT (datetime('now')),
    updated_at TEXT NOT NULL DEFAULT (datetime('now'))
);

CREATE INDEX idx_deployments_card ON deployments(card_id);
CREATE INDEX idx_deployments_workflow ON deployments(workflow_run_id);

-------------------------------------------------------------------------------
-- STATE TRANSITIONS TABLE (Audit log)
-------------------------------------------------------------------------------
CREATE TABLE state_transitions (
    id TEXT PRIMARY KEY DEFAULT (lower(hex(randomblob(16)))),
    card_id TEXT NOT NULL REFERENCES cards(id) ON DELETE CASCADE,

    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    trigger TEXT NOT NULL,
    metadata TEXT,  -- JSON object

    created_at TEXT NOT NULL DEFAULT (datetime('now'))
);

CREATE INDEX idx_state_trans_card ON state_transitions(card_id);
CREATE INDEX idx_state_trans_created ON state_transitions(created_at DESC);

-------------------------------------------------------------------------------
-- PROMPT METRICS TABLE
-------------------------------------------------------------------------------
CREATE TABLE prompt_metrics (
    id TEXT PRIMARY KEY DEFAULT (lower(hex(randomblob(16)))),
    card_id TEXT NOT NULL REFERENCES cards(id) ON DELETE CASCADE,
    attempt_id TEXT REFERENCES attempts(id) ON DELETE SET NULL,

    layer_name TEXT NOT NULL,
    tokens_added INTEGER NOT NULL,
    processing_time_ms INTEGER NOT NULL,
    content_hash TEXT,
    cache_hit INTEGER DEFAULT 0,

    created_at TEXT NOT NULL DEFAULT (datetime('now'))
);

CREATE INDEX idx_prompt_metrics_card ON prompt_metrics(card_id);
CREATE INDEX idx_prompt_metrics_layer ON prompt_metrics(layer_name);

-------------------------------------------------------------------------------
-- WEBSOCKET SUBSCRIPTIONS TABLE
-------------------------------------------------------------------------------
CREATE TABLE websocket_subscriptions (
    id TEXT PRIMARY KEY DEFAULT (lower(hex(randomblob(16)))),
    connection_id TEXT NOT NULL UNIQUE,
    user_id TEXT,

    card_ids TEXT DEFAULT '[]',     -- JSON array
    project_ids TEXT DEFAULT '[]',  -- JSON array

    connected_at TEXT NOT NULL DEFAULT (datetime('now')),
    last_heartbeat TEXT NOT NULL DEFAULT (datetime('now'))
);

CREATE INDEX idx_ws_subs_connection ON websocket_subscriptions(connection_id);
CREATE INDEX idx_ws_subs_heartbeat ON websocket_subscriptions(last_heartbeat);

-------------------------------------------------------------------------------
-- PART 2: COORDINATION (seed 003) AND DASHBOARD INDEXES
-------------------------------------------------------------------------------

-------------------------------------------------------------------------------
-- DECISIONS TABLE (pending human decisions)
-------------------------------------------------------------------------------
CREATE TABLE decisions (
    id TEXT PRIMARY KEY DEFAULT (lower(hex(randomblob(16)))),
    decision_type TEXT NOT NULL,
    summary TEXT NOT NULL,
    options TEXT DEFAULT '[]',  -- JSON array
    default_option TEXT,
    context TEXT,  -- JSON object
    timeout_minutes INTEGER,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'decided', 'auto_resolved', 'expired')),
    requested_at TEXT NOT NULL DEFAULT (datetime('now')),
    requested_by TEXT,
    decided_at TEXT,
    decided_by TEXT,
    choice TEXT,
    comment TEXT,
    card_id TEXT REFERENCES cards(id) ON DELETE SET NULL
);

CREATE INDEX idx_decisions_status_requested ON decisions(status, requested_at);
CREATE INDEX idx_decisions_card ON decisions(card_id);

-------------------------------------------------------------------------------
-- ALERTS TABLE
-------------------------------------------------------------------------------
CREATE TABLE alerts (
    id TEXT PRIMARY KEY DEFAULT (lower(hex(randomblob(16)))),
    severity TEXT NOT NULL DEFAULT 'info'
        CHECK (severity IN ('info', 'warning', 'error', 'critical')),
    alert_type TEXT NOT NULL,
    source TEXT,
    message TEXT NOT NULL,
    context TEXT,  -- JSON object
    acknowledged INTEGER DEFAULT 0,
    acknowledged_by TEXT,
    acknowledged_at TEXT,
    created_at TEXT NOT NULL DEFAULT (datetime('now')),
    card_id TEXT REFERENCES cards(id) ON DELETE SET NULL
);

-- Unacknowledged alerts by severity, newest first.
CREATE INDEX idx_alerts_ack_severity_created ON alerts(acknowledged, severity, created_at DESC);
CREATE INDEX idx_alerts_card ON alerts(card_id);

-------------------------------------------------------------------------------
-- DASHBOARD INDEXES
-------------------------------------------------------------------------------
-- Per-lane top N: cards of one state, highest priority first, then most recent.
CREATE INDEX idx_cards_state_priority_updated
    ON cards(state, priority DESC, updated_at DESC);
-- The same, limited to one project (project picker).
CREATE INDEX idx_cards_project_state_priority_updated
    ON cards(project_id, state, priority DESC, updated_at DESC);
-- Unresolved errors, newest first, and per card (the card's error mark).
CREATE INDEX idx_errors_resolved_created ON errors(resolved, created_at DESC);
CREATE INDEX idx_errors_card_resolved ON errors(card_id, resolved);
-- A card's history, newest first.
CREATE INDEX idx_state_trans_card_created ON state_transitions(card_id, created_at DESC);
-- A card's latest attempts and loop snapshots.
CREATE INDEX idx_attempts_card_started ON attempts(card_id, started_at DESC);
-- The metrics view: cards, loops and cost per project, read from the index alone; cost
-- and attempts per day; prompt layers per day.
CREATE INDEX idx_cards_project_state_cost ON cards(project_id, state, total_cost_usd);
CREATE INDEX idx_attempts_started_cost ON attempts(started_at, cost_usd);
CREATE INDEX idx_prompt_metrics_created ON prompt_metrics(created_at);

-------------------------------------------------------------------------------
-- CARD TEXT SEARCH (the board's `/` filter)
-------------------------------------------------------------------------------
-- A trigram index over cards' titles and descriptions (SQLite 3.34+): any substring of
-- three characters or more is found without reading every card. External content: the
-- text stays in cards; the triggers keep the index in step with it. A database without
-- this table (an orchestrator's own) is filtered by a plain LIKE scan instead.
CREATE VIRTUAL TABLE cards_fts USING fts5(
    title, description, content='cards', content_rowid='rowid', tokenize='trigram'
);
CREATE TRIGGER cards_fts_insert AFTER INSERT ON cards BEGIN
    INSERT INTO cards_fts (rowid, title, description)
    VALUES (NEW.rowid, NEW.title, NEW.description);
END;
CREATE TRIGGER cards_fts_delete AFTER DELETE ON cards BEGIN
    INSERT INTO cards_fts (cards_fts, rowid, title, description)
    VALUES ('delete', OLD.rowid, OLD.title, OLD.description);
END;
CREATE TRIGGER cards_fts_update AFTER UPDATE OF title, description ON cards BEGIN
    INSERT INTO cards_fts (cards_fts, rowid, title, description)
    VALUES ('delete', OLD.rowid, OLD.title, OLD.description);
    INSERT INTO cards_fts (rowid, title, description)
    VALUES (NEW.rowid, NEW.title, NEW.description);
END;
