select w.id, w.network_code, w.status, w.version_no, w.frozen_on, w.frozen_icbs, w.open_slot,
       n.name, r.name as region_name
from workplans w join networks n on n.code = w.network_code join regions r on r.code = n.lead_region_code
where w.financial_year = 2026 and w.status <> 'SUPERSEDED'
order by w.network_code;
select d.workplan_id, d.reference, d.status, d.due_on, d.past_due_flagged, i.indicator_code
from workplan_deliverables d
join workplans w on w.id = d.workplan_id and w.financial_year = 2026 and w.status <> 'SUPERSEDED'
left join workplan_deliverable_indicators i on i.deliverable_id = d.id
order by d.workplan_id, d.reference, i.id;
select x.workplan_id, x.round, x.kind, x.icb_code
from workplan_decisions x join workplans w on w.id = x.workplan_id and w.financial_year = 2026
order by x.workplan_id, x.id;
select network_code, quarter, submitted_at from workplan_progress_reports
where financial_year = 2026 order by network_code, quarter;
