select n.code, n.name, r.name as region_name
from networks n join regions r on r.code = n.lead_region_code
order by n.code;
select m.network_code, m.role, m.valid_from, m.valid_to, m.verified, p.ods_code, p.name
from network_memberships m join providers p on p.ods_code = m.provider_ods
order by m.network_code, m.valid_from, m.provider_ods;
select f.network_code, f.valid_from, f.valid_to, i.code, i.name
from network_footprints f join icbs i on i.code = f.icb_code
order by f.network_code, f.icb_code, f.valid_from;
